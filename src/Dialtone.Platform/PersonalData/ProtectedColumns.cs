using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Dialtone.Platform.PersonalData;

/// <summary>
/// Columns that hold personal data are encrypted by EF Core on the way in and decrypted on the way out, so module code
/// only ever sees plaintext. The protector comes from the host's services, so each host (and each test app, with its
/// own keys) builds its own model: the model cache is keyed by the protector too.
/// </summary>
public static class ProtectedColumns
{
    /// <summary>The host's protector, or null at design time (migrations need no keys: encryption does not change the schema).</summary>
    public static PersonalDataProtector? ProtectorOf(DbContext context) =>
        context.GetService<IDbContextOptions>().FindExtension<Microsoft.EntityFrameworkCore.Infrastructure.CoreOptionsExtension>()?
            .ApplicationServiceProvider?.GetService(typeof(PersonalDataProtector)) as PersonalDataProtector;

    /// <summary>The host's protector, for code that writes personal data outside EF Core's change tracking (events, bulk inserts).</summary>
    public static PersonalDataProtector RequiredProtectorOf(DbContext context) =>
        ProtectorOf(context) ?? throw new InvalidOperationException("The module's DbContext was not built by the host: no personal-data protector.");

    /// <summary>Randomised authenticated encryption of a text column (EF Core never hands a converter a null).</summary>
    public static void IsProtected(this PropertyBuilder property, PersonalDataProtector? protector)
    {
        if (protector is not null)
        {
            property.HasConversion(new ValueConverter<string, string>(v => protector.Protect(v), v => protector.Unprotect(v)));
        }
    }

    /// <summary>
    /// Deterministic authenticated encryption of a text column: the same value is always stored the same way, so a query
    /// comparing the column with a value (which EF Core converts too) still finds it.
    /// </summary>
    public static void IsProtectedDeterministically(this PropertyBuilder property, PersonalDataProtector? protector)
    {
        if (protector is not null)
        {
            property.HasConversion(new ValueConverter<string, string>(v => protector.ProtectDeterministic(v), v => protector.UnprotectDeterministic(v)));
        }
    }
}

/// <summary>One model per DbContext type and protector (see <see cref="ProtectedColumns"/>).</summary>
public sealed class ProtectorAwareModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime) => (context.GetType(), ProtectedColumns.ProtectorOf(context), designTime);
}
