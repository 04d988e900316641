using Dialtone.Catalog;
using Dialtone.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddDialtonePlatform();
builder.Services.AddCatalog();

var app = builder.Build();
app.UseDialtonePlatform();
app.MapCatalog();

await app.RunAsync();

/// <summary>The host's entry point, visible to the test harness.</summary>
public partial class Program;
