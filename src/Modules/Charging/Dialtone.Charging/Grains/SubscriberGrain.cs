using Dialtone.Platform.PersonalData;

namespace Dialtone.Charging.Grains;

/// <summary>The grain storage charging's grains write to (ADR 0012): its own SQLite file by default, PostgreSQL in production.</summary>
internal static class ChargingStorage
{
    public const string Name = "charging";
}

/// <summary>A subscriber's charging account, found by the keyed hash of their SUPI (the grain's key); no identifier in clear.</summary>
[GrainType("charging-subscriber")]
internal sealed class SubscriberGrain([PersistentState("subscriber", ChargingStorage.Name)] IPersistentState<SubscriberState> state) : Grain, ISubscriberGrain
{
    public Task<Guid?> AccountAsync() => Task.FromResult(state.State.AccountId);

    public async Task AssignAsync(Guid accountId)
    {
        if (state.State.AccountId == accountId && state.RecordExists)
        {
            return;
        }

        state.State.AccountId = accountId;
        await state.WriteStateAsync();
    }

    public async Task UnassignAsync(Guid accountId)
    {
        if (state.State.AccountId != accountId)
        {
            return;
        }

        state.State.AccountId = null;
        await state.WriteStateAsync();
    }
}

/// <summary>The account a subscriber charges to; null when the line ended.</summary>
public sealed class SubscriberState
{
    public Guid? AccountId { get; set; }
}

/// <summary>The keys of subscriber grains: the keyed hash (HMAC, <see cref="PersonalDataProtector.Hash"/>) of an IMSI.</summary>
internal static class SubscriberKeys
{
    public static string OfImsi(PersonalDataProtector protector, string imsiDigits) => protector.Hash("imsi:" + imsiDigits);
}
