namespace Dialtone.Architecture.Tests;

public class PlatformAssembly
{
    [Fact]
    public void ReferencesNoModule()
    {
        var references = DialtoneAssemblies.DialtoneReferencesOf(DialtoneAssemblies.Platform)
            .Where(name => name != DialtoneAssemblies.PlatformName);

        ArchitectureAssert.NoViolations(references.Select(name => $"{DialtoneAssemblies.PlatformName} references {name}"));
    }
}
