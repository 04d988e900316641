using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using NetArchTest.Rules;

namespace Dialtone.Architecture.Tests;

public class EndpointClasses
{
    private const BindingFlags DeclaredMethods =
        BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;

    private static readonly Assembly[] Scanned = [DialtoneAssemblies.Platform, .. DialtoneAssemblies.Modules];

    [Fact]
    public void AreStatic()
    {
        var mappingTypes = Scanned.SelectMany(assembly => assembly.GetTypes()).Where(MapsEndpoints).ToList();
        Assert.NotEmpty(mappingTypes);

        var namedEndpoints = Types.InAssemblies(Scanned).That().HaveNameEndingWith("Endpoints").Should().BeStatic().GetResult();
        var violations = (namedEndpoints.FailingTypeNames ?? [])
            .Concat(mappingTypes.Where(type => !IsStaticClass(type)).Select(type => type.FullName!))
            .Distinct(StringComparer.Ordinal)
            .Select(name => $"{name} is not a static class");

        ArchitectureAssert.NoViolations(violations);
    }

    private static bool MapsEndpoints(Type type) =>
        !type.IsDefined(typeof(CompilerGeneratedAttribute)) &&
        type.GetMethods(DeclaredMethods).Any(method =>
            method.Name.StartsWith("Map", StringComparison.Ordinal) &&
            (method.ReturnType.IsAssignableTo(typeof(IEndpointConventionBuilder)) || method.ReturnType.IsAssignableTo(typeof(IEndpointRouteBuilder))));

    private static bool IsStaticClass(Type type) => type is { IsClass: true, IsAbstract: true, IsSealed: true };
}
