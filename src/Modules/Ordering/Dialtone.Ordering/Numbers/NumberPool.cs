using System.Globalization;
using System.Text.RegularExpressions;
using Dialtone.Ordering.Persistence;
using Dialtone.Platform.Tmf;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dialtone.Ordering.Numbers;

/// <summary>
/// One identifier given to a line: an MSISDN, an IMSI or an ICCID. A row exists only while the identifier is taken
/// (reserved by an order, assigned to a product, or resting in quarantine after termination); any value of the
/// configured ranges without a row is free. The unique index on (kind, value) makes "never given to two lines" a
/// property of the database, whatever races between orders and nodes.
/// </summary>
internal sealed class NumberAssignment
{
    public string Id { get; set; } = Guid.CreateVersion7().ToString();

    public string Kind { get; set; } = "";

    public string Value { get; set; } = "";

    public string Status { get; set; } = NumberStatus.Reserved;

    public string? OrderId { get; set; }

    public string? ProductId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? QuarantinedUntil { get; set; }
}

internal static class NumberKind
{
    public const string Msisdn = "msisdn";
    public const string Imsi = "imsi";
    public const string Iccid = "iccid";
}

internal static class NumberStatus
{
    public const string Reserved = "reserved";
    public const string Assigned = "assigned";
    public const string Quarantined = "quarantined";
}

/// <summary>Reserves, assigns, quarantines and releases MSISDNs, IMSIs and ICCIDs (see <see cref="NumberAssignment"/>).</summary>
internal sealed partial class NumberPool(IOptions<OrderingOptions> options)
{
    private const int RandomTries = 32;

    private NumberPoolOptions Pool => options.Value.Numbers;

    /// <summary>Up to <paramref name="count"/> free MSISDNs of the pool, picked at random, for a customer to choose from.</summary>
    public async Task<IReadOnlyList<string>> AvailableMsisdnsAsync(OrderingDbContext db, int count, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var found = new List<string>();
        for (var i = 0; i < count * 4 && found.Count < count; i++)
        {
            var candidate = RandomMsisdn();
            if (!found.Contains(candidate) && await IsFreeAsync(db, NumberKind.Msisdn, candidate, now, cancellationToken))
            {
                found.Add(candidate);
            }
        }

        return found;
    }

    /// <summary>
    /// Reserves <paramref name="wanted"/> (an MSISDN the customer chose), or a free one (MSISDN and ICCID at random, IMSI the next in sequence), for an order; a taken
    /// number is a 409 naming the item. The caller commits (within the module's serialised write).
    /// </summary>
    public async Task<string> ReserveAsync(OrderingDbContext db, string kind, string? wanted, string orderId, string itemLabel, DateTimeOffset now, CancellationToken cancellationToken,
        bool portIn = false)
    {
        if (wanted is not null)
        {
            if (portIn)
            {
                if (!E164().IsMatch(wanted) || IsInPool(wanted))
                {
                    throw TmfProblemException.BadRequest("INVALID_PORT_IN", $"{itemLabel}: a ported number is an E.164 number of another operator; '{wanted}' is not.");
                }
            }
            else if (!IsInPool(wanted))
            {
                throw TmfProblemException.BadRequest("NUMBER_NOT_IN_POOL",
                    $"{itemLabel}: '{wanted}' is not one of Dialtone's numbers (E.164 from {Pool.MsisdnFirst}, {Pool.MsisdnCount:N0} numbers). A number from another operator is ported in with the 'portIn' characteristic.");
            }

            if (!await TakeAsync(db, kind, wanted, orderId, now, cancellationToken))
            {
                throw TmfProblemException.Conflict("NUMBER_NOT_AVAILABLE", $"{itemLabel}: the number {wanted} is not available any more; pick another.");
            }

            return wanted;
        }

        // IMSIs are handed out in sequence from the range (as SIM batches are): the first line on a fresh database is
        // {prefix}0000000001, so the demo subscribers' IMSIs are known in advance (README, charging with curl).
        var nextImsi = kind == NumberKind.Imsi ? await db.Numbers.LongCountAsync(n => n.Kind == NumberKind.Imsi, cancellationToken) + 1 : 0;
        for (var i = 0; i < RandomTries; i++)
        {
            var candidate = kind switch
            {
                NumberKind.Msisdn => RandomMsisdn(),
                NumberKind.Imsi => Imsi(nextImsi + i),
                _ => WithLuhn(Pool.IccidPrefix + RandomDigits(18 - Pool.IccidPrefix.Length)),
            };
            if (await TakeAsync(db, kind, candidate, orderId, now, cancellationToken))
            {
                return candidate;
            }
        }

        throw TmfProblemException.Conflict("NUMBER_POOL_EXHAUSTED", $"{itemLabel}: no free {kind} was found; the pool needs more numbers.");
    }

    /// <summary>
    /// Reserves for each of a batch of migrated lines exactly its number from legacy (in the pool's ranges or not), for its
    /// order and already naming the product it will be assigned to; false for a number that is taken (or named twice in
    /// the batch). One query per 500 numbers, not one per number; the caller detects changes and commits.
    /// </summary>
    public async Task<bool[]> ClaimMsisdnsAsync(OrderingDbContext db, IReadOnlyList<(string Value, string OrderId, string ProductId)> claims, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, NumberAssignment>(StringComparer.Ordinal);
        foreach (var chunk in claims.Select(c => c.Value).Distinct(StringComparer.Ordinal).Chunk(500))
        {
            foreach (var row in await db.Numbers.Where(n => n.Kind == NumberKind.Msisdn && chunk.Contains(n.Value)).ToListAsync(cancellationToken))
            {
                rows[row.Value] = row;
            }
        }

        var taken = new HashSet<string>(StringComparer.Ordinal);
        var result = new bool[claims.Count];
        for (var i = 0; i < claims.Count; i++)
        {
            var (value, orderId, productId) = claims[i];
            if (!taken.Add(value))
            {
                continue;
            }

            if (!rows.TryGetValue(value, out var row))
            {
                db.Numbers.Add(new NumberAssignment { Kind = NumberKind.Msisdn, Value = value, OrderId = orderId, ProductId = productId, UpdatedAt = now });
                result[i] = true;
            }
            else if (row.Status == NumberStatus.Quarantined && row.QuarantinedUntil <= now)
            {
                Reserve(row, orderId, now);
                row.ProductId = productId;
                result[i] = true;
            }
        }

        return result;
    }

    /// <summary>
    /// The next free IMSIs in sequence (counted from the pool's size, as <see cref="ReserveAsync"/> draws them), one per
    /// claim, reserved for its order and naming its product; which candidates are taken is read with one query per 500.
    /// </summary>
    public async Task<string[]> ClaimImsisAsync(OrderingDbContext db, IReadOnlyList<(string OrderId, string ProductId)> claims, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = new string[claims.Count];
        var serial = await db.Numbers.LongCountAsync(n => n.Kind == NumberKind.Imsi, cancellationToken) + 1;
        var next = 0;
        while (next < claims.Count)
        {
            // The values are stored encrypted (deterministically): a window of candidates is looked up by equality, not by range.
            var last = serial + (claims.Count - next) + RandomTries;
            var window = new List<string>();
            for (var candidate = serial; candidate <= last && Imsi(candidate).Length <= 15; candidate++)
            {
                window.Add(Imsi(candidate));
            }

            var taken = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in window.Chunk(500))
            {
                taken.UnionWith(await db.Numbers.Where(n => n.Kind == NumberKind.Imsi && chunk.Contains(n.Value)).Select(n => n.Value).ToListAsync(cancellationToken));
            }

            for (; serial <= last && next < claims.Count; serial++)
            {
                var candidate = Imsi(serial);
                if (candidate.Length > 15)
                {
                    throw TmfProblemException.Conflict("NUMBER_POOL_EXHAUSTED", "No free IMSI is left in the range; the pool needs more numbers.");
                }

                if (taken.Contains(candidate))
                {
                    continue;
                }

                db.Numbers.Add(new NumberAssignment { Kind = NumberKind.Imsi, Value = candidate, OrderId = claims[next].OrderId, ProductId = claims[next].ProductId, UpdatedAt = now });
                result[next++] = candidate;
            }
        }

        return result;
    }

    /// <summary>
    /// A migration batch's reserved numbers become their products' (named when they were claimed): one statement, however
    /// many numbers. A number reserved without its product (by a step that ran before products were named at claim time)
    /// gets it from <paramref name="productOfOrder"/> first.
    /// </summary>
    public static async Task AssignClaimedAsync(OrderingDbContext db, IReadOnlyList<string> orderIds, IReadOnlyDictionary<string, string> productOfOrder, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var unnamed = await db.Numbers.Where(n => orderIds.Contains(n.OrderId!) && n.Status == NumberStatus.Reserved && n.ProductId == null).ToListAsync(cancellationToken);
        if (unnamed.Count > 0)
        {
            foreach (var row in unnamed)
            {
                row.ProductId = productOfOrder[row.OrderId!];
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        await db.Numbers.Where(n => orderIds.Contains(n.OrderId!) && n.Status == NumberStatus.Reserved)
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.Status, NumberStatus.Assigned).SetProperty(n => n.UpdatedAt, now), cancellationToken);
    }

    /// <summary>The order's reserved numbers become the product's.</summary>
    public async Task AssignAsync(OrderingDbContext db, string orderId, IReadOnlyDictionary<string, string> productOfValue, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var row in await db.Numbers.Where(n => n.OrderId == orderId && n.Status == NumberStatus.Reserved).ToListAsync(cancellationToken))
        {
            row.Status = NumberStatus.Assigned;
            row.ProductId = productOfValue.GetValueOrDefault(row.Value);
            row.UpdatedAt = now;
        }
    }

    /// <summary>A cancelled or failed order gives its reserved numbers back at once (they never reached a customer).</summary>
    public async Task ReleaseAsync(OrderingDbContext db, string orderId, CancellationToken cancellationToken)
    {
        db.Numbers.RemoveRange(await db.Numbers.Where(n => n.OrderId == orderId && n.Status == NumberStatus.Reserved).ToListAsync(cancellationToken));
    }

    /// <summary>A terminated line's numbers rest for the configured months before anyone can get them again.</summary>
    public async Task QuarantineAsync(OrderingDbContext db, string productId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var row in await db.Numbers.Where(n => n.ProductId == productId && n.Status == NumberStatus.Assigned).ToListAsync(cancellationToken))
        {
            row.Status = NumberStatus.Quarantined;
            row.QuarantinedUntil = now.AddMonths(Pool.QuarantineMonths);
            row.UpdatedAt = now;
        }
    }

    /// <summary>One replaced identifier (the ICCID of a swapped eSIM) rests in quarantine too.</summary>
    public async Task QuarantineValueAsync(OrderingDbContext db, string kind, string value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await db.Numbers.FirstOrDefaultAsync(n => n.Kind == kind && n.Value == value && n.Status == NumberStatus.Assigned, cancellationToken);
        if (row is not null)
        {
            row.Status = NumberStatus.Quarantined;
            row.QuarantinedUntil = now.AddMonths(Pool.QuarantineMonths);
            row.UpdatedAt = now;
        }
    }

    public bool IsInPool(string msisdn)
    {
        if (!E164().IsMatch(msisdn) || msisdn.Length != Pool.MsisdnFirst.Length)
        {
            return false;
        }

        var first = long.Parse(Pool.MsisdnFirst.AsSpan(1), CultureInfo.InvariantCulture);
        var value = long.Parse(msisdn.AsSpan(1), CultureInfo.InvariantCulture);
        return value >= first && value < first + Pool.MsisdnCount;
    }

    private async Task<bool> IsFreeAsync(OrderingDbContext db, string kind, string value, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await db.Numbers.AsNoTracking().FirstOrDefaultAsync(n => n.Kind == kind && n.Value == value, cancellationToken);
        return row is null || (row.Status == NumberStatus.Quarantined && row.QuarantinedUntil <= now);
    }

    private static async Task<bool> TakeAsync(OrderingDbContext db, string kind, string value, string orderId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var pending = db.Numbers.Local.FirstOrDefault(n => n.Kind == kind && n.Value == value);
        if (pending is not null)
        {
            return false;
        }

        var row = await db.Numbers.FirstOrDefaultAsync(n => n.Kind == kind && n.Value == value, cancellationToken);
        if (row is null)
        {
            db.Numbers.Add(new NumberAssignment { Kind = kind, Value = value, OrderId = orderId, UpdatedAt = now });
            return true;
        }

        if (row.Status != NumberStatus.Quarantined || row.QuarantinedUntil > now)
        {
            return false;
        }

        Reserve(row, orderId, now);
        return true;
    }

    /// <summary>A number back from quarantine, reserved for an order.</summary>
    private static void Reserve(NumberAssignment row, string orderId, DateTimeOffset now)
    {
        row.Status = NumberStatus.Reserved;
        row.OrderId = orderId;
        row.ProductId = null;
        row.QuarantinedUntil = null;
        row.UpdatedAt = now;
    }

    private string Imsi(long serial) => Pool.ImsiPrefix + serial.ToString(CultureInfo.InvariantCulture).PadLeft(15 - Pool.ImsiPrefix.Length, '0');

    public static bool IsE164(string value) => E164().IsMatch(value);

    private string RandomMsisdn()
    {
        var first = long.Parse(Pool.MsisdnFirst.AsSpan(1), CultureInfo.InvariantCulture);
        return "+" + (first + Random.Shared.NextInt64(Pool.MsisdnCount)).ToString(CultureInfo.InvariantCulture);
    }

    private static string RandomDigits(int count) =>
        string.Create(count, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('0' + Random.Shared.Next(10));
            }
        });

    /// <summary>Appends the Luhn check digit, as ITU-T E.118 asks of an ICCID.</summary>
    public static string WithLuhn(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return digits + (char)('0' + ((10 - (sum % 10)) % 10));
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex E164();
}
