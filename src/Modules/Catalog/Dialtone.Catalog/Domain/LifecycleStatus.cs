using Dialtone.Platform.Tmf;

namespace Dialtone.Catalog.Domain;

/// <summary>
/// The lifecycle of every catalog entity. The spec leaves <c>lifecycleStatus</c> a free string; Dialtone accepts exactly
/// these values and these moves (see docs/decisions/0005-catalog-lifecycle.md).
/// </summary>
internal static class LifecycleStatus
{
    public const string InStudy = "In study";
    public const string InDesign = "In design";
    public const string InTest = "In test";
    public const string Rejected = "Rejected";
    public const string Active = "Active";
    public const string Launched = "Launched";
    public const string Retired = "Retired";
    public const string Obsolete = "Obsolete";

    public static readonly IReadOnlyList<string> All = [InStudy, InDesign, InTest, Rejected, Active, Launched, Retired, Obsolete];

    private static readonly Dictionary<string, string[]> Moves = new(StringComparer.Ordinal)
    {
        [InStudy] = [InDesign, Rejected],
        [InDesign] = [InStudy, InTest, Rejected],
        [InTest] = [InDesign, Active, Rejected],
        [Rejected] = [InStudy],
        [Active] = [Launched, Retired],
        [Launched] = [Retired],
        [Retired] = [Launched, Obsolete],
        [Obsolete] = [],
    };

    /// <summary>Whether a customer can order what is in this status (if within its validity).</summary>
    public static bool IsOrderable(string? status) => status is Active or Launched;

    public static void EnsureKnown(string? status)
    {
        if (status is not null && !Moves.ContainsKey(status))
        {
            throw TmfProblemException.BadRequest("INVALID_LIFECYCLE_STATUS",
                $"'{status}' is not a lifecycle status; use one of: {string.Join(", ", All)}.");
        }
    }

    /// <summary>Statuses in which what customers pay and get is frozen: changing it takes a new version.</summary>
    public static bool IsCommercial(string? status) => status is Active or Launched or Retired or Obsolete;

    public static void EnsureTransition(string? from, string? to)
    {
        if (to is null)
        {
            throw TmfProblemException.BadRequest("INVALID_LIFECYCLE_STATUS", "lifecycleStatus cannot be removed.");
        }

        EnsureKnown(to);
        if (from == to || from is null)
        {
            return;
        }

        if (!Moves[from].Contains(to))
        {
            throw TmfProblemException.BadRequest("ILLEGAL_LIFECYCLE_TRANSITION",
                $"lifecycleStatus cannot move from '{from}' to '{to}'; from '{from}' it can move to: {(Moves[from].Length == 0 ? "nothing" : string.Join(", ", Moves[from]))}.");
        }
    }
}
