using System.Reflection;

namespace Dialtone.Architecture.Tests;

/// <summary>
/// The Dialtone assemblies the server is built from, found by following references from the server, so a new module
/// is under every rule as soon as the server references it.
/// </summary>
internal static class DialtoneAssemblies
{
    private const string Prefix = "Dialtone.";
    private const string ContractsSuffix = ".Contracts";

    public const string PlatformName = "Dialtone.Platform";

    public static Assembly Server { get; } = typeof(Program).Assembly;

    public static IReadOnlyList<Assembly> All { get; } = FollowReferences(Server);

    public static Assembly Platform { get; } = All.Single(a => a.GetName().Name == PlatformName);

    /// <summary>Every module's own assembly (<c>Dialtone.X</c>): not the server, the platform or a contracts assembly.</summary>
    public static IReadOnlyList<Assembly> Modules { get; } =
        [.. All.Where(a => a != Server && a != Platform && !IsContracts(NameOf(a)))];

    public static IReadOnlyList<Assembly> Contracts { get; } = [.. All.Where(a => IsContracts(NameOf(a)))];

    public static string NameOf(Assembly assembly) => assembly.GetName().Name!;

    public static bool IsDialtone(string assemblyName) => assemblyName.StartsWith(Prefix, StringComparison.Ordinal);

    public static bool IsContracts(string assemblyName) =>
        IsDialtone(assemblyName) && assemblyName.EndsWith(ContractsSuffix, StringComparison.Ordinal);

    /// <summary>
    /// Whether <paramref name="reference"/> is one of <paramref name="module"/>'s own inner projects, which only that module
    /// may reference: <c>Dialtone.Charging</c> → <c>Dialtone.Charging.Rating</c> (ADR 0011).
    /// </summary>
    public static bool IsInnerProjectOf(string module, string reference) =>
        reference.StartsWith(module + ".", StringComparison.Ordinal) && !IsContracts(reference);

    /// <summary>The contracts assembly of a module: <c>Dialtone.X</c> → <c>Dialtone.X.Contracts</c>.</summary>
    public static string ContractsOf(Assembly module) => NameOf(module) + ContractsSuffix;

    /// <summary>The names of the Dialtone assemblies an assembly's compiled code refers to.</summary>
    public static IReadOnlyList<string> DialtoneReferencesOf(Assembly assembly) =>
        [.. assembly.GetReferencedAssemblies().Select(a => a.Name!).Where(IsDialtone).Order(StringComparer.Ordinal)];

    private static List<Assembly> FollowReferences(Assembly root)
    {
        var found = new Dictionary<string, Assembly>(StringComparer.Ordinal) { [NameOf(root)] = root };
        var pending = new Queue<Assembly>([root]);
        while (pending.TryDequeue(out var assembly))
        {
            foreach (var reference in assembly.GetReferencedAssemblies().Where(r => IsDialtone(r.Name!)))
            {
                if (!found.ContainsKey(reference.Name!))
                {
                    var loaded = Assembly.Load(reference);
                    found[reference.Name!] = loaded;
                    pending.Enqueue(loaded);
                }
            }
        }

        return [.. found.Values.OrderBy(NameOf, StringComparer.Ordinal)];
    }
}
