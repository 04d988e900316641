using Dialtone.Charging.Storage;

namespace Dialtone.Charging.Grains;

/// <summary>
/// A batch of vouchers as it was first asked for, keyed by <see cref="VoucherCodes.BatchOf"/> (the issuer and the
/// request's Idempotency-Key): a retried request finds the batch and gets the same codes again, because the codes are
/// derived from the batch id (<see cref="VoucherCodes.CodeOf"/>) and never stored; another body under the same key is refused.
/// </summary>
public interface IVoucherBatchGrain : IGrainWithStringKey
{
    /// <summary>Opens the batch with <paramref name="request"/>, or answers how it was opened before.</summary>
    Task<VoucherBatchOpening> OpenAsync(VoucherBatchRequest request);
}

/// <summary>What a batch was asked for; <c>Fingerprint</c> is the keyed hash of the canonical request body.</summary>
[GenerateSerializer, Immutable]
public sealed record VoucherBatchRequest(
    [property: Id(0)] string Fingerprint,
    [property: Id(1)] string? Name,
    [property: Id(2)] int Count,
    [property: Id(3)] decimal Amount,
    [property: Id(4)] string Currency,
    [property: Id(5)] DateTimeOffset ValidUntil,
    [property: Id(6)] DateTimeOffset IssuedAt);

/// <summary>The batch as first opened (<c>Replayed</c> when that was an earlier request), or null when this request's body differs.</summary>
[GenerateSerializer, Immutable]
public sealed record VoucherBatchOpening([property: Id(0)] VoucherBatchRequest? Batch, [property: Id(1)] bool Replayed);

/// <summary>A voucher batch's durable state: the request that opened it.</summary>
public sealed class VoucherBatchState
{
    public VoucherBatchRequest? Opened { get; set; }
}

[GrainType("charging-voucher-batch")]
internal sealed class VoucherBatchGrain([PersistentState("voucherBatch", ChargingStorage.Name)] IPersistentState<VoucherBatchState> state)
    : Grain, IVoucherBatchGrain
{
    public async Task<VoucherBatchOpening> OpenAsync(VoucherBatchRequest request)
    {
        if (state.State.Opened is { } opened)
        {
            return opened.Fingerprint == request.Fingerprint ? new(opened, Replayed: true) : new(null, Replayed: false);
        }

        state.State.Opened = request;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.ReadStateAsync();
            throw;
        }

        return new(request, Replayed: false);
    }
}
