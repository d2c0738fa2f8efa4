"""The timeline: an overview strip of the whole incident and linked detail plots with a cursor."""
