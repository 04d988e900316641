namespace Dialtone.Legacy.Features.Sync;

/// <summary>
/// Where Dialtone is in legacy's change feed (one row, <see cref="FeedId"/>): the watermark of the last entry applied,
/// committed with what applying it wrote, and the lease of the node that polls (one node at a time applies the feed;
/// every write moves <see cref="Version"/>, so a node that lost its lease cannot commit). Counts are cumulative.
/// </summary>
internal sealed class LegacyFeedCursor
{
    public const string FeedId = "customers";

    public string Id { get; set; } = FeedId;

    /// <summary>Every entry up to here is applied (or recognised as an echo, or reported).</summary>
    public long Watermark { get; set; }

    /// <summary>Legacy's highest watermark at the last poll.</summary>
    public long HighWatermark { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? LastPollAt { get; set; }

    /// <summary>When a poll last found nothing left to apply: the sync lag is the time since.</summary>
    public DateTimeOffset? CaughtUpAt { get; set; }

    /// <summary>Why the last poll failed (an exception type or legacy code; never values); null after a good poll.</summary>
    public string? LastError { get; set; }

    public int ConsecutiveFailures { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Legacy-mastered values written to Dialtone.</summary>
    public long Applied { get; set; }

    /// <summary>Entries Dialtone itself caused (its own writes coming back).</summary>
    public long Echoes { get; set; }

    /// <summary>Fields legacy's users changed that Dialtone masters (reported, Dialtone's value sent again).</summary>
    public long Conflicts { get; set; }

    /// <summary>Entries of people not migrated or erased, or that changed nothing once normalised.</summary>
    public long Skipped { get; set; }

    public long Version { get; set; }
}

/// <summary>The change-feed sync (<c>Dialtone:Legacy:Sync</c>).</summary>
internal sealed class LegacySyncOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How often legacy's feed is read once caught up.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Entries read per call (1–1,000).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How long a node's claim on the feed lasts without renewal; another node takes over after it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between polls while legacy is unreachable (the wait doubles from <see cref="PollInterval"/>).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How many times one entry may fail (other than by a legacy outage or a lost lease) before it is parked: reported
    /// (a conflict with resolution <c>parked:…</c>), counted as skipped, and the watermark moves past it. Counted in memory
    /// by the node holding the lease, so a restart or a takeover starts counting again.
    /// </summary>
    public int MaxEntryAttempts { get; set; } = 5;
}
