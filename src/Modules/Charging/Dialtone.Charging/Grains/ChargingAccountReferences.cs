namespace Dialtone.Charging.Grains;

/// <summary>
/// References to charging accounts for the Nchf path, made from the account's id alone. Orleans's
/// <c>GetGrain&lt;T&gt;(Guid)</c> works out the grain interface's type from its attributes by reflection on every call
/// (1.5 % of the server's CPU under the charging load; bench/README, 2026-11-29, session 16): here the grain's type
/// and its interface's type are resolved once.
/// </summary>
internal sealed class ChargingAccountReferences(IGrainFactory grains)
{
    // PublicationOnly: a resolution that failed (the silo not ready yet) is tried again by the next request, not kept.
    private readonly Lazy<(GrainType Grain, GrainInterfaceType Interface)> types = new(() =>
    {
        var probe = (GrainReference)(object)grains.GetGrain<IChargingAccountGrain>(Guid.Empty);
        return (probe.GrainId.Type, probe.InterfaceType);
    }, LazyThreadSafetyMode.PublicationOnly);

    public IChargingAccountGrain Of(Guid account)
    {
        var (grain, contract) = types.Value;
        return (IChargingAccountGrain)grains.GetGrain(GrainId.Create(grain, GrainIdKeyExtensions.CreateGuidKey(account)), contract);
    }
}
