namespace Dialtone.Charging.Rating;

/// <summary>
/// What a request uses (ADR 0011 §1): the 3GPP rating group, the unit it counts, and the zone the subscriber is in.
/// </summary>
/// <param name="RatingGroup">The rating group the network reports the usage under (demo: 10 data, 11 roaming data, 20 voice, 30 SMS).</param>
/// <param name="Unit">What the rating group counts.</param>
/// <param name="Zone">Where the subscriber is: <see cref="Zones.Home"/>, <see cref="Zones.Eu"/> or a named roaming zone.</param>
public sealed record RatedService(int RatingGroup, UsageUnit Unit, string Zone = Zones.Home);

/// <summary>The zones of ADR 0006 and which allowance zone covers which place.</summary>
public static class Zones
{
    /// <summary>The home network.</summary>
    public const string Home = "home";

    /// <summary>The EU/EEA; an EU allowance also covers home (roam like at home).</summary>
    public const string Eu = "EU";

    /// <summary>
    /// Whether an allowance of <paramref name="allowanceZone"/> pays for usage in <paramref name="usageZone"/>: a zone covers
    /// itself, and <see cref="Eu"/> also covers <see cref="Home"/>.
    /// </summary>
    public static bool Covers(string allowanceZone, string usageZone) =>
        allowanceZone == usageZone || (allowanceZone == Eu && usageZone == Home);
}
