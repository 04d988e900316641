using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Dialtone.Platform.Hosting;

internal static class OpenApiConventions
{
    public static OpenApiOptions AddDialtoneDocumentConventions(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Dialtone",
                Version = "v1",
                Description = "Dialtone, an open API-first digital BSS. TM Forum Open APIs (TMF620 Product Catalog v4.1.0 so far), " +
                              "with TMF630 conventions: paging with offset/limit, attribute selection with fields, attribute filters, " +
                              "sorting, merge-patch updates, ETags, Idempotency-Key on POST and TMF688 hub listeners.",
            };
            return Task.CompletedTask;
        });
        return options;
    }
}
