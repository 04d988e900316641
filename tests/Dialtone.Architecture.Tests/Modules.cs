using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dialtone.Architecture.Tests;

public class Modules
{
    private static readonly string[] InternalNamespaceSegments = ["Features", "Persistence"];

    [Fact]
    public void ReferenceOnlyThePlatformModuleContractsAndTheirOwnInnerProjects()
    {
        Assert.NotEmpty(DialtoneAssemblies.Modules);

        var violations =
            from module in DialtoneAssemblies.Modules
            from reference in DialtoneAssemblies.DialtoneReferencesOf(module)
            where reference != DialtoneAssemblies.PlatformName && !DialtoneAssemblies.IsContracts(reference)
                && !DialtoneAssemblies.IsInnerProjectOf(DialtoneAssemblies.NameOf(module), reference)
            select $"{DialtoneAssemblies.NameOf(module)} references {reference}";

        ArchitectureAssert.NoViolations(violations);
    }

    [Theory]
    [InlineData("Dialtone.Charging", "Dialtone.Charging.Rating", true)]
    [InlineData("Dialtone.Catalog", "Dialtone.Charging.Rating", false)]
    [InlineData("Dialtone.Charging.Rating", "Dialtone.Charging", false)]
    [InlineData("Dialtone.Charging", "Dialtone.ChargingTools", false)]
    [InlineData("Dialtone.Charging", "Dialtone.Charging.Contracts", false)]
    public void MayReferenceOnlyTheirOwnInnerProjects(string module, string reference, bool allowed) =>
        Assert.Equal(allowed, DialtoneAssemblies.IsInnerProjectOf(module, reference));

    [Fact]
    public void KeepFeaturesAndPersistenceInternal()
    {
        Assert.Contains(DialtoneAssemblies.Modules.SelectMany(module => module.GetTypes()), IsFeatureOrPersistence);

        // EF Core generates migrations as public classes; they are found by reflection, never used by other code.
        var violations = DialtoneAssemblies.Modules
            .SelectMany(module => module.GetExportedTypes())
            .Where(IsFeatureOrPersistence)
            .Where(type => !type.IsAssignableTo(typeof(Migration)) && !type.IsAssignableTo(typeof(ModelSnapshot)))
            .Select(type => $"{type.FullName} in {DialtoneAssemblies.NameOf(type.Assembly)} is public");

        ArchitectureAssert.NoViolations(violations);
    }

    private static bool IsFeatureOrPersistence(Type type) =>
        (type.Namespace ?? "").Split('.').Intersect(InternalNamespaceSegments, StringComparer.Ordinal).Any();
}
