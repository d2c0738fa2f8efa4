"""Every threshold of every detector, in one place. The defaults are general-purpose choices
(each detector's module says why), never fitted to any one incident."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.core.early_warning import DEFAULT_MAX_BINS, AlertRule


@dataclass(frozen=True)
class Settings:
    """Every threshold of every detector. The defaults are general-purpose choices (see the
    module's notes), not fitted to any incident."""

    #: analysis bin in seconds; ``None`` chooses it so that the incident fits in ``max_bins``
    bin_seconds: int | None = None
    max_bins: int = DEFAULT_MAX_BINS

    # volume_change
    #: neighbouring levels must differ by at least this factor (geometric means, daily rhythm removed)
    volume_min_ratio: float = 3.0
    #: PELT penalty per change point, in units of noise variance x log(bins) (2 is BIC)
    volume_penalty: float = 3.0
    #: a level lasts at least this many bins (a single busy bin is a peak, not a new level)
    volume_min_bins: int = 2
    #: the busier side of a change averages at least this many posts per bin
    volume_min_posts: float = 5.0
    #: remove the daily rhythm when the incident covers at least this many whole days
    seasonal_min_days: int = 3
    #: a rise (fall) must be this many times the rise (fall) at the same clock hours on
    #: another day of the archive, or the daily rhythm explains it (it is then not reported)
    rhythm_min_excess: float = 3.0
    #: fewer posts than this in the level before a change: its ratio rests on a thin base
    volume_thin_base_posts: int = 20

    # busy_day (a whole local day against the archive's other whole days)
    #: posts (or negative posts) at least this many times the median of the other days ...
    busy_day_min_ratio: float = 1.8
    #: ... and this many robust standard deviations above them (log scale)
    busy_day_min_z: float = 3.0
    #: the other whole days needed to say what a usual day is
    busy_day_min_days: int = 3
    #: a day counts as unusually negative only with at least this many negative posts
    busy_day_min_negative: int = 20

    # coverage (see app.core.analysis.coverage)
    #: a run of empty minutes at least this long may be a gap in the collection ...
    coverage_gap_minutes: float = 15.0
    #: ... when the chance of no post, at the rate around it, is at most this
    coverage_gap_chance: float = 1e-6
    #: ... and the three hours on each side hold at least this many posts
    coverage_gap_min_posts: int = 10
    #: at most this many gaps, the least likely
    coverage_max_gaps: int = 20
    #: a near-empty stretch this long at the start (end) may be before (after) the collection ...
    coverage_lead_hours: float = 24.0
    #: ... when fewer than this share of its hours hold a post ...
    coverage_thin_occupancy: float = 0.25
    #: ... and the six hours beside it post at least this many times its rate
    coverage_thin_ratio: float = 20.0
    #: the archive opens (closes) busy when its first (last) whole hour holds this share of
    #: the busiest hour's posts ...
    coverage_busy_share: float = 0.25
    #: ... and this many times the median hour's
    coverage_busy_factor: float = 4.0
    #: a finding this close to the first (last) post is at the edge of the collection
    coverage_edge_hours: float = 3.0

    # sentiment_shift
    #: each side of a shift holds at least this many scored posts
    sentiment_min_posts: int = 30
    #: the negative share changes by at least this much (0.05 = 5 points) ...
    sentiment_min_delta: float = 0.05
    #: ... and by at least this effect size (Cohen's h; 0.2 is "small"): 1% -> 4% is as much
    #: of a change as 40% -> 50%, which points alone would not say
    sentiment_min_effect: float = 0.2
    #: significance of each split, Bonferroni-corrected for the places tried
    sentiment_alpha: float = 0.01
    #: count retweets as posts in the test (off: a cascade repeats one voice)
    sentiment_include_retweets: bool = False

    # automated accounts (accounts.py): listed ones, and accounts whose activity is a program's
    #: the bundled list of utility and automated accounts (None: resources/automated_accounts.json)
    automated_list: str | None = None
    #: only accounts with at least this many posts are measured for the signals below
    automated_min_posts: int = 10
    #: the same text (mentions and links aside) posted at least this many times ...
    automated_min_repeats: int = 20
    #: ... making up at least this share of the account's posts other than retweets
    automated_repeat_share: float = 0.5
    #: at least this many posts within ``automated_rate_seconds`` (a person does not keep up
    #: one post every 36 seconds for an hour)
    automated_rate_posts: int = 100
    automated_rate_seconds: float = 3600.0
    #: replies whose post replied to is in the archive: at least this many, with a median
    #: delay of at most ``automated_reply_seconds`` (answers faster than anyone reads)
    automated_min_timed_replies: int = 10
    automated_reply_seconds: float = 15.0
    #: "replies only": at least this share of at least ``automated_min_posts`` posts are
    #: replies, to at least this many accounts. Reported as a particular of an account
    #: recognised by another signal; on its own it is not enough (a person answering many
    #: people, a customer-care desk, does the same)
    automated_reply_share: float = 0.95
    automated_reply_targets: int = 20

    # shares (amplification.py): which evidence counts shares
    #: shares are counted in the archive when it holds at least this share of the retweets
    #: counted when the posts were collected; below, the collected counts are the evidence
    shares_archive_completeness: float = 0.5

    # influencer_entry
    #: followers at least this many times the median account's ...
    influencer_median_ratio: float = 50.0
    #: ... and among the top this share of accounts (0.01 = top 1%)
    influencer_top_share: float = 0.01
    #: the exposure an entry brought is counted over this many hours after it
    influencer_window_hours: float = 6.0
    #: at most this many entries, those that brought the most exposure
    influencer_max: int = 12

    # amplification
    #: the burst window
    amplification_window_minutes: float = 60.0
    #: at least this many retweets and quotes within the window
    amplification_min_shares: int = 50
    #: at most this many posts, the largest bursts
    amplification_max: int = 10

    # press_pickup
    #: a linked article dated more than this many days before the incident's first post is old material
    press_link_max_age_days: float = 2.0
    #: at most this many outlets, the earliest
    press_max_outlets: int = 30
    #: the press list (None: resources/press.json)
    press_list: str | None = None

    #: a link is about the incident when its address names one of the incident's terms, or
    #: when at least this many accounts ...
    press_link_min_accounts: int = 5
    #: ... and at least this share of the incident's accounts shared it
    press_link_min_share: float = 0.0005

    # the incident's terms (terms.py)
    #: a hashtag or handle is one of the incident's terms when at least this share of the
    #: accounts posting in their own voice use it ...
    terms_min_share: float = 0.05
    #: ... and at least this many accounts
    terms_min_accounts: int = 3
    #: at most this many hashtags and this many handles
    terms_max: int = 10

    # brand_action
    #: turning points counted for a brand post's response latency have at least this score
    brand_latency_min_score: float = 0.5

    # peak
    #: the most negative period holds at least this many scored posts per bin
    peak_min_posts: int = 30
    #: a peak period extends over neighbouring bins within this share of the peak bin
    peak_period_share: float = 0.9
    #: the scales (seconds) tried for the most negative period, finest first (the analysis
    #: bin comes before them): the finest whose worst bin holds ``peak_min_posts`` is used
    peak_scales: tuple[int, ...] = (6 * 3600, 86400)

    # early_warning
    alert: AlertRule = field(default_factory=AlertRule)
    #: an alert resting on fewer negative posts than this is flagged ``thin_evidence``
    alert_min_negative: int = 10

    # deduplication
    #: series suggestions of one kind and direction within this many bins are one event
    dedupe_bins: int = 2
