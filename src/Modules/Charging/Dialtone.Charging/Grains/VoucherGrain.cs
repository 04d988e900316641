using System.Text.Json;
using Dialtone.Charging.Outbox;
using Dialtone.Charging.Storage;
using Microsoft.Extensions.Logging;

namespace Dialtone.Charging.Grains;

/// <summary>
/// One prepaid voucher, keyed by the keyed hash of its code (<see cref="VoucherCodes"/>): the code itself, a bearer
/// secret, is never stored. A voucher is claimed once, for one account and one top-up key; the same claim again (a
/// retried top-up) answers the same, any other is refused.
/// </summary>
public interface IVoucherGrain : IGrainWithStringKey
{
    /// <summary>Issues the voucher; true also when it was issued with the same terms before (a retried batch), false when another batch has this code.</summary>
    Task<bool> IssueAsync(VoucherTerms terms);

    /// <summary>
    /// Claims the voucher's value for <paramref name="accountId"/>'s top-up <paramref name="topUp"/> (its key; amount and
    /// currency are the voucher's). The claim's credit travels through the outbox too, so the account is credited even
    /// if the caller fails right after the claim; the answer's <c>TopUp</c> is the request to credit at once.
    /// </summary>
    Task<VoucherClaim> ClaimAsync(Guid accountId, TopUpRequest topUp);

    /// <summary>The account confirmed the claim's credit: a later replay of the claim must not credit again.</summary>
    Task MarkCreditedAsync();
}

/// <summary>What a voucher is worth, until when, and the batch it was printed in.</summary>
[GenerateSerializer, Immutable]
public sealed record VoucherTerms([property: Id(0)] decimal Amount, [property: Id(1)] string Currency, [property: Id(2)] DateTimeOffset ValidUntil, [property: Id(3)] string Batch);

/// <summary>How a claim went.</summary>
public enum VoucherClaimOutcome
{
    /// <summary>Claimed now, or by this same account and top-up before.</summary>
    Claimed,

    /// <summary>No voucher has this code.</summary>
    Unknown,

    /// <summary>Claimed for another top-up.</summary>
    Used,

    /// <summary>Past its validity.</summary>
    Expired,

    /// <summary>Worth another currency than the account's: not claimed.</summary>
    WrongCurrency,
}

/// <summary>A claim's outcome and, when claimed, the top-up that credits its value.</summary>
[GenerateSerializer, Immutable]
public sealed record VoucherClaim([property: Id(0)] VoucherClaimOutcome Outcome, [property: Id(1)] TopUpRequest? TopUp = null, [property: Id(2)] bool Credited = false);

/// <summary>The credit a claimed voucher owes an account: the outbox entry that makes sure it is paid.</summary>
public sealed record VoucherCredit(Guid AccountId, TopUpRequest TopUp, string? VoucherKey = null)
{
    public const string Kind = "voucher-credit";
}

/// <summary>A voucher's durable state.</summary>
public sealed class VoucherState : IHasGrainOutbox
{
    [System.Text.Json.Serialization.JsonIgnore]
    public List<GrainOutboxEntry> Outbox { get; } = [];

    /// <summary>The top-up the claim credits (amount and currency from the terms).</summary>
    public TopUpRequest? ClaimedTopUp { get; set; }

    /// <summary>The account confirmed the credit.</summary>
    public bool Credited { get; set; }

    public VoucherTerms? Terms { get; set; }

    public Guid? ClaimedBy { get; set; }

    public string? ClaimKey { get; set; }

    public DateTimeOffset? ClaimedAt { get; set; }
}

[GrainType("charging-voucher")]
internal sealed partial class VoucherGrain(
    [PersistentState("voucher", ChargingStorage.Name)] IPersistentState<VoucherState> state,
    TimeProvider clock,
    ILogger<VoucherGrain> logger) : Grain, IVoucherGrain
{
    public async Task<bool> IssueAsync(VoucherTerms terms)
    {
        if (state.State.Terms is { } issued)
        {
            return issued == terms;
        }

        state.State.Terms = terms;
        await WriteAsync();
        return true;
    }

    public async Task<VoucherClaim> ClaimAsync(Guid accountId, TopUpRequest topUp)
    {
        var voucher = state.State;
        if (voucher.Terms is not { } terms)
        {
            return new(VoucherClaimOutcome.Unknown);
        }

        if (voucher.ClaimedBy is { } claimant)
        {
            return claimant == accountId && voucher.ClaimKey == topUp.Key
                ? new(VoucherClaimOutcome.Claimed, voucher.ClaimedTopUp, voucher.Credited)
                : new(VoucherClaimOutcome.Used);
        }

        var now = clock.GetUtcNow();
        if (now >= terms.ValidUntil)
        {
            return new(VoucherClaimOutcome.Expired);
        }

        if (!string.Equals(terms.Currency, topUp.Currency, StringComparison.Ordinal))
        {
            return new(VoucherClaimOutcome.WrongCurrency);
        }

        var credit = topUp with { Amount = terms.Amount, Currency = terms.Currency };
        voucher.ClaimedBy = accountId;
        voucher.ClaimKey = topUp.Key;
        voucher.ClaimedAt = now;
        voucher.ClaimedTopUp = credit;
        voucher.Outbox.Add(new GrainOutboxEntry($"{this.GetPrimaryKeyString()}/{topUp.Key}", VoucherCredit.Kind,
            JsonSerializer.Serialize(new VoucherCredit(accountId, credit, this.GetPrimaryKeyString())), now));
        await WriteAsync();
        LogClaimed(logger, terms.Batch, accountId);
        return new(VoucherClaimOutcome.Claimed, credit);
    }

    public async Task MarkCreditedAsync()
    {
        if (state.State.ClaimedBy is not null && !state.State.Credited)
        {
            state.State.Credited = true;
            await WriteAsync();
        }
    }

    private async Task WriteAsync()
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Outbox.Clear();
            await state.ReadStateAsync();
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Voucher of batch {Batch} claimed for charging account {AccountId}")]
    private static partial void LogClaimed(ILogger logger, string batch, Guid accountId);
}

/// <summary>
/// Pays a claimed voucher's credit to its account (outbox kind <see cref="VoucherCredit.Kind"/>): the top-up is
/// idempotent by its key, so a credit already paid by the request that claimed the voucher is answered "repeated" and
/// changes nothing. A credit the account refuses (the line became postpaid or closed in between) is logged for an operator.
/// </summary>
internal sealed partial class VoucherCreditRelay(IGrainFactory grains, ILogger<VoucherCreditRelay> logger) : IGrainOutboxHandler
{
    public string Kind => VoucherCredit.Kind;

    public async Task HandleAsync(IReadOnlyList<GrainOutboxEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            var credit = JsonSerializer.Deserialize<VoucherCredit>(entry.Payload)
                         ?? throw new InvalidOperationException($"Grain outbox entry {entry.Id} holds no voucher credit.");
            var voucher = credit.VoucherKey is null ? null : grains.GetGrain<IVoucherGrain>(credit.VoucherKey);
            var claim = voucher is null ? null : await voucher.ClaimAsync(credit.AccountId, credit.TopUp);
            if (claim is { Credited: true })
            {
                // The request credited it and the voucher knows: a credit now could be a second one once the key left the account.
                continue;
            }

            var result = await grains.GetGrain<IChargingAccountGrain>(credit.AccountId).TopUpAsync(credit.TopUp);
            if (result.Outcome is not (TopUpOutcome.Credited or TopUpOutcome.Repeated))
            {
                LogRefused(logger, credit.AccountId, result.Outcome);
            }
            else if (voucher is not null)
            {
                await voucher.MarkCreditedAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A claimed voucher's credit to charging account {AccountId} was refused ({Outcome}); the voucher stays claimed")]
    private static partial void LogRefused(ILogger logger, Guid accountId, TopUpOutcome outcome);
}

/// <summary>Voucher codes: what a person types (case, spaces and dashes do not matter) and the key of its grain.</summary>
public static class VoucherCodes
{
    /// <summary>The code in canonical form: upper-case letters and digits only; null when it has too few or other characters.</summary>
    public static string? Normalise(string code)
    {
        var canonical = new string([.. code.Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant)]);
        return canonical.Length is >= 12 and <= 32 && canonical.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9') ? canonical : null;
    }

    /// <summary>The voucher grain's key: the keyed hash of the canonical code.</summary>
    public static string KeyOf(Dialtone.Platform.PersonalData.PersonalDataProtector protector, string canonical) => protector.Hash("voucher:" + canonical);

    /// <summary>The last four characters, for receipts and records.</summary>
    public static string Masked(string canonical) => "…" + canonical[^4..];

    /// <summary>
    /// The id of the batch <paramref name="issuer"/> (an owner key) asks for with <paramref name="idempotencyKey"/>: the
    /// same request again names the same batch; a keyed hash, so nobody can tell the key or the issuer from it.
    /// </summary>
    public static string BatchOf(Dialtone.Platform.PersonalData.PersonalDataProtector protector, string issuer, string idempotencyKey) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(protector.Hash($"voucher-batch:{issuer}:{idempotencyKey}"))))[..32];

    /// <summary>
    /// The <paramref name="index"/>th candidate code of <paramref name="batch"/>: 16 characters (80 bits) of a keyed hash,
    /// grouped by four for reading. Derived, never stored: a retried batch recomputes its codes; without the key nobody can.
    /// </summary>
    public static string CodeOf(Dialtone.Platform.PersonalData.PersonalDataProtector protector, string batch, int index)
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var bits = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(protector.Hash($"voucher-code:{batch}:{index}")));
        var code = new char[16];
        for (var i = 0; i < code.Length; i++)
        {
            // 5 bits a character, from the first 10 bytes.
            var bit = i * 5;
            var window = (bits[bit / 8] << 8) | bits[(bit / 8) + 1];
            code[i] = alphabet[(window >> (11 - (bit % 8))) & 0x1F];
        }

        return string.Join('-', code.Chunk(4).Select(group => new string(group)));
    }
}
