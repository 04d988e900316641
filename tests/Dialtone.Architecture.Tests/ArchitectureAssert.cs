namespace Dialtone.Architecture.Tests;

internal static class ArchitectureAssert
{
    /// <summary>Fails with every violation on its own line, where <c>Assert.Empty</c> would cut them short.</summary>
    public static void NoViolations(IEnumerable<string> violations)
    {
        var found = violations.ToList();
        if (found.Count > 0)
        {
            Assert.Fail($"{found.Count} violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, found)}");
        }
    }
}
