using System.Reflection;
using Dialtone.Charging.Rating;
using Mono.Cecil;
using Mono.Cecil.Cil;
using NetArchTest.Rules;

namespace Dialtone.Architecture.Tests;

/// <summary>
/// The rating engine is pure code (ADR 0011): it references no Dialtone project and no package, does no I/O, and reads
/// no clock and no randomness; time comes in as arguments. Not yet referenced by the server, so it is named here.
/// </summary>
public class RatingEngine
{
    private static readonly Assembly Engine = typeof(Wallet).Assembly;

    private static readonly string[] ImpureDependencies =
    [
        "System.IO", "System.Net", "System.Threading.Tasks", "System.Threading.Timer", "System.Random", "System.TimeProvider",
        "System.Diagnostics.Stopwatch", "Microsoft", "Dialtone.Platform", "Orleans",
    ];

    [Fact]
    public void ReferencesOnlyTheFramework()
    {
        var references = Engine.GetReferencedAssemblies().Select(reference => reference.Name!).ToList();
        Assert.NotEmpty(references);

        ArchitectureAssert.NoViolations(references
            .Where(name => name is not ("System" or "netstandard" or "mscorlib") && !name.StartsWith("System.", StringComparison.Ordinal))
            .Select(name => $"{DialtoneAssemblies.NameOf(Engine)} references {name}"));
    }

    [Fact]
    public void DoesNoIoAndReadsNoClock()
    {
        Assert.Contains(typeof(Wallet), Types.InAssembly(Engine).GetTypes());
        var dependencies = Types.InAssembly(Engine).ShouldNot().HaveDependencyOnAny(ImpureDependencies).GetResult();
        var clocks = Types.InAssembly(Engine).Should().MeetCustomRule(new ReadsNoClock()).GetResult();

        ArchitectureAssert.NoViolations((dependencies.FailingTypeNames ?? []).Concat(clocks.FailingTypeNames ?? [])
            .Distinct(StringComparer.Ordinal)
            .Select(name => $"{name} does I/O or reads a clock or randomness"));
    }

    [Fact]
    public void TheRulesCatchAClockAndRandomness()
    {
        var probes = Types.InAssembly(typeof(RatingEngine).Assembly).That().HaveNameStartingWith("ImpureProbe");

        Assert.Equal(["ImpureProbeReadsTheClock"], probes.Should().MeetCustomRule(new ReadsNoClock()).GetResult().FailingTypes.Select(t => t.Name));
        Assert.Equal(["ImpureProbeRollsDice"], probes.ShouldNot().HaveDependencyOnAny(ImpureDependencies).GetResult().FailingTypes.Select(t => t.Name));
    }

    /// <summary>No method body reads the current time or a fresh identifier.</summary>
    private sealed class ReadsNoClock : ICustomRule
    {
        private static readonly HashSet<string> Clocks = new(StringComparer.Ordinal)
        {
            "System.DateTime::get_Now", "System.DateTime::get_UtcNow", "System.DateTime::get_Today",
            "System.DateTimeOffset::get_Now", "System.DateTimeOffset::get_UtcNow",
            "System.Environment::get_TickCount", "System.Environment::get_TickCount64",
            "System.Guid::NewGuid", "System.Guid::CreateVersion7",
        };

        public bool MeetsRule(TypeDefinition type) => !type.Methods
            .Where(method => method.HasBody)
            .SelectMany(method => method.Body.Instructions)
            .Any(instruction => instruction.OpCode.FlowControl == FlowControl.Call
                && instruction.Operand is MethodReference called
                && Clocks.Contains($"{called.DeclaringType.FullName}::{called.Name}"));
    }
}

internal static class ImpureProbeReadsTheClock
{
    public static DateTimeOffset Now() => DateTimeOffset.UtcNow;
}

internal static class ImpureProbeRollsDice
{
    public static int Roll() => Random.Shared.Next(6);
}

internal static class ImpureProbeIsPure
{
    public static DateTimeOffset Later(DateTimeOffset now) => now.AddSeconds(1);
}
