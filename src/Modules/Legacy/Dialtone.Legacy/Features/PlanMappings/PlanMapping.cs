namespace Dialtone.Legacy.Features.PlanMappings;

/// <summary>A legacy plan code and the catalog offering its lines migrate to; the operator edits the table.</summary>
internal sealed class PlanMapping
{
    public string LegacyPlanCode { get; set; } = "";

    public string ProductOfferingId { get; set; } = "";

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}
