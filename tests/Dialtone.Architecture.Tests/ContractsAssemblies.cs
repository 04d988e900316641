using System.Reflection;
using System.Runtime.CompilerServices;

namespace Dialtone.Architecture.Tests;

public class ContractsAssemblies
{
    [Fact]
    public void ReferenceOnlyOtherContracts()
    {
        Assert.NotEmpty(DialtoneAssemblies.Contracts);

        var violations =
            from contracts in DialtoneAssemblies.Contracts
            from reference in DialtoneAssemblies.DialtoneReferencesOf(contracts)
            where !DialtoneAssemblies.IsContracts(reference)
            select $"{DialtoneAssemblies.NameOf(contracts)} references {reference}";

        ArchitectureAssert.NoViolations(violations);
    }

    [Fact]
    public void ExposeOnlyRecordsInterfacesEnumsAndStaticClasses()
    {
        var exported = DialtoneAssemblies.Contracts.SelectMany(contracts => contracts.GetExportedTypes()).ToList();
        Assert.NotEmpty(exported);

        var violations = exported
            .Where(type => !(IsRecord(type) || type.IsInterface || type.IsEnum || IsStaticClass(type)))
            .Select(type => $"{type.FullName} in {DialtoneAssemblies.NameOf(type.Assembly)} is neither a record, an interface, an enum nor a static class");

        ArchitectureAssert.NoViolations(violations);
    }

    private static bool IsStaticClass(Type type) => type is { IsClass: true, IsAbstract: true, IsSealed: true };

    // The compiler gives record classes a clone method and record structs a generated PrintMembers; nothing else has them.
    private static bool IsRecord(Type type) => type.IsClass
        ? type.GetMethod("<Clone>$") is not null
        : type.IsValueType && type.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.NonPublic)?.GetCustomAttribute<CompilerGeneratedAttribute>() is not null;
}
