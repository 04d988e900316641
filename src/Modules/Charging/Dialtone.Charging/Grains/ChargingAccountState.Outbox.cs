using System.Text.Json.Serialization;
using Dialtone.Charging.Storage;

namespace Dialtone.Charging.Grains;

public sealed partial class ChargingAccountState : IHasGrainOutbox
{
    /// <summary>
    /// Messages caused by the change being written (rated usage records): the storage moves them into its outbox table in
    /// the same transaction as this state, so they are never part of the stored state.
    /// </summary>
    [JsonIgnore]
    public List<GrainOutboxEntry> Outbox { get; } = [];
}
