using Dialtone.Accounts;
using Dialtone.Catalog;
using Dialtone.Charging;
using Dialtone.Identity;
using Dialtone.Inventory;
using Dialtone.Legacy;
using Dialtone.Ordering;
using Dialtone.Parties;
using Dialtone.Platform.Hosting;

// Configuration files are polled (every 4 s), not watched: a watcher of the content root watches every directory under
// it, and a server started where its appsettings.json is (the content root is then the working directory) keeps its
// data directory there by default, so each page written to a database's log would wake the watcher (bench/README,
// 2026-11-29, session 16). An operator's own DOTNET_USE_POLLING_FILE_WATCHER wins. The stand-ins inherit it.
if (Environment.GetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
}

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
