using Dialtone.Platform.Idempotency;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
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
                              "sorting, merge-patch updates, ETags, Idempotency-Key on POST and TMF688 hub listeners. " +
                              "Until the identity module lands, the Development environment accepts `Authorization: Dev {subject}:{role},{role}`.",
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            var method = context.Description.HttpMethod;
            operation.Parameters ??= [];
            if (metadata.OfType<TmfListParameters>().FirstOrDefault() is { } list)
            {
                AddQuery(operation, "offset", JsonSchemaType.Integer, "Index of the first item (default 0).");
                AddQuery(operation, "limit", JsonSchemaType.Integer, $"Page size (default {TmfListQuery.DefaultLimit}, at most {TmfListQuery.MaxLimit}).");
                AddQuery(operation, "fields", JsonSchemaType.String, "Comma-separated attributes to return (id, href and @type always come).");
                var sortable = list.Resource.Attributes.Values.Where(a => a.Sortable).Select(a => a.Path);
                AddQuery(operation, "sort", JsonSchemaType.String, $"Sort keys, '-' for descending. Sortable: {string.Join(", ", sortable)}.");
                foreach (var attribute in list.Resource.Attributes.Values)
                {
                    var ranges = attribute.Kind == TmfAttributeKind.Text ? "" : $" Also {attribute.Path}.gt, .gte, .lt, .lte.";
                    AddQuery(operation, attribute.Path, JsonSchemaType.String, $"Filter: equality, comma-separated values are OR.{ranges}");
                }
            }

            if (method == "POST")
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyGate.HeaderName,
                    In = ParameterLocation.Header,
                    Description = "Makes a retry safe: the same key and body within 24 h returns the first response; another body is a 422; a duplicate still running is a 409.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
                });
            }

            if (method is "PATCH" or "DELETE")
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Description = "The ETag you read; a stale one is a 412.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }

            return Task.CompletedTask;
        });
        return options;
    }

    private static void AddQuery(OpenApiOperation operation, string name, JsonSchemaType type, string description) =>
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Query,
            Description = description,
            Schema = new OpenApiSchema { Type = type },
        });
}
