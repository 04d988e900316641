using Dialtone.Catalog.Domain.Representation;

namespace Dialtone.Catalog.Domain;

/// <summary>What every catalog resource has: an identity, a lifecycle, a version and a validity period.</summary>
public interface ICatalogEntity
{
    string? Id { get; set; }

    string? Name { get; set; }

    string? LifecycleStatus { get; set; }

    string? Version { get; set; }

    TimePeriod? ValidFor { get; set; }
}


