using Dialtone.Accounts;
using Dialtone.Catalog;
using Dialtone.Charging;
using Dialtone.Identity;
using Dialtone.Inventory;
using Dialtone.Legacy;
using Dialtone.Ordering;
using Dialtone.Parties;
using Dialtone.Platform.Hosting;

// appsettings*.json travel with the binaries, so `dotnet run --project src/Dialtone.Server` from the repository root
// finds them; the data directory stays relative to the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory,
});
builder.AddDialtonePlatform();
builder.Services.AddIdentityModule(builder.Configuration);
builder.Services.AddCatalog();
builder.Services.AddParties();
builder.Services.AddAccounts();
builder.Services.AddInventory();
builder.Services.AddOrdering(builder.Configuration);
builder.Services.AddCharging(builder.Configuration);
builder.Services.AddLegacy(builder.Configuration);
Dialtone.Server.Standins.StandinLauncher.AddTo(builder.Services, builder.Configuration);

var app = builder.Build();
app.UseDialtonePlatform();
app.MapIdentity();
app.MapCatalog();
app.MapParties();
app.MapAccounts();
app.MapInventory();
app.MapOrdering();
app.MapCharging();
app.MapLegacy();

await app.RunAsync();

/// <summary>The host's entry point, visible to the test harness.</summary>
public partial class Program;
