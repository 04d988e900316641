using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;

namespace Dialtone.Platform.Tmf.Documents;

/// <summary>Turns TMF630 filters and sorting into SQL over the search index: nothing is filtered in memory.</summary>
public static class TmfDocumentQueries
{
    /// <summary>The documents of one resource, for reading (not tracked: changes to them are not saved).</summary>
    public static IQueryable<TmfDocument> OfResource(this DbSet<TmfDocument> documents, TmfResourceDescriptor resource) =>
        documents.AsNoTracking().Where(d => d.ResourceType == resource.Resource);

    /// <summary>The documents of one resource with their search entries, tracked, for a change through <c>UpdateDocumentAsync</c>.</summary>
    public static IQueryable<TmfDocument> ForUpdate(this DbSet<TmfDocument> documents, TmfResourceDescriptor resource) =>
        documents.Include(d => d.SearchEntries).Where(d => d.ResourceType == resource.Resource);

    public static IQueryable<TmfDocument> WhereMatches(this IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, TmfFilter filter)
    {
        var path = filter.Attribute.Path;
        if (path == TmfResourceDescriptor.IdPath)
        {
            // The document's key answers an id filter: no search entry is written for it.
            var ids = filter.Texts;
            if (ids.Count == 1)
            {
                var single = ids[0];
                return documents.Where(d => d.Id == single);
            }

            return documents.Where(d => ids.Contains(d.Id));
        }

        var type = filter.Attribute.Kind;
        Expression<Func<TmfSearchEntry, bool>> predicate = (type, filter.Operator) switch
        {
            (TmfAttributeKind.Text, _) => Texts(filter.Texts),
            (TmfAttributeKind.Number, TmfFilterOperator.Equal) => NumbersIn(filter.Numbers),
            (TmfAttributeKind.Number, var op) => NumberCompare(op, filter.Numbers[0]),
            (_, TmfFilterOperator.Equal) => TimesIn(filter.Numbers),
            (_, var op) => TimeCompare(op, filter.Numbers[0]),
        };

        var matching = entries.Where(e => e.Path == path).Where(predicate).Select(e => e.DocumentId);
        return documents.Where(d => matching.Contains(d.Id));
    }

    /// <summary>Documents that have no value at all at a path (e.g. an offering with no end of validity).</summary>
    public static IQueryable<TmfDocument> WhereAbsent(this IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, string path)
    {
        var present = entries.Where(e => e.Path == path).Select(e => e.DocumentId);
        return documents.Where(d => !present.Contains(d.Id));
    }

    public static IQueryable<TmfDocument> OrderBySorts(this IQueryable<TmfDocument> documents, IQueryable<TmfSearchEntry> entries, IReadOnlyList<TmfSort> sorts)
    {
        IOrderedQueryable<TmfDocument>? ordered = null;
        foreach (var sort in sorts)
        {
            var path = sort.Attribute.Path;
            ordered = sort.Attribute.Kind switch
            {
                TmfAttributeKind.Text => Then(ordered, documents, d => entries.Where(e => e.DocumentId == d.Id && e.Path == path).OrderBy(e => e.Text).Select(e => e.Text).FirstOrDefault(), sort.Descending),
                TmfAttributeKind.Number => Then(ordered, documents, d => entries.Where(e => e.DocumentId == d.Id && e.Path == path).OrderBy(e => e.Number).Select(e => e.Number).FirstOrDefault(), sort.Descending),
                _ => Then(ordered, documents, d => entries.Where(e => e.DocumentId == d.Id && e.Path == path).OrderBy(e => e.Time).Select(e => e.Time).FirstOrDefault(), sort.Descending),
            };
        }

        return ordered is null ? documents.OrderBy(d => d.Id) : ordered.ThenBy(d => d.Id);
    }

    /// <summary>Orders by <paramref name="key"/> first (<paramref name="ordered"/> null) or next: one sort key of a list.</summary>
    public static IOrderedQueryable<T> Then<T, TKey>(IOrderedQueryable<T>? ordered, IQueryable<T> source, Expression<Func<T, TKey>> key, bool descending) =>
        (ordered, descending) switch
        {
            (null, false) => source.OrderBy(key),
            (null, true) => source.OrderByDescending(key),
            (_, false) => ordered.ThenBy(key),
            (_, true) => ordered.ThenByDescending(key),
        };

    private static Expression<Func<TmfSearchEntry, bool>> Texts(IReadOnlyList<string> values)
    {
        if (values.Count == 1)
        {
            var single = values[0];
            return e => e.Text == single;
        }

        var list = values.ToList();
        return e => list.Contains(e.Text!);
    }

    private static Expression<Func<TmfSearchEntry, bool>> NumbersIn(IReadOnlyList<long> values)
    {
        var list = values.ToList();
        return e => e.Number != null && list.Contains(e.Number.Value);
    }

    private static Expression<Func<TmfSearchEntry, bool>> TimesIn(IReadOnlyList<long> values)
    {
        var list = values.ToList();
        return e => e.Time != null && list.Contains(e.Time.Value);
    }

    private static Expression<Func<TmfSearchEntry, bool>> NumberCompare(TmfFilterOperator op, long value) => op switch
    {
        TmfFilterOperator.GreaterThan => e => e.Number > value,
        TmfFilterOperator.GreaterThanOrEqual => e => e.Number >= value,
        TmfFilterOperator.LessThan => e => e.Number < value,
        _ => e => e.Number <= value,
    };

    private static Expression<Func<TmfSearchEntry, bool>> TimeCompare(TmfFilterOperator op, long value) => op switch
    {
        TmfFilterOperator.GreaterThan => e => e.Time > value,
        TmfFilterOperator.GreaterThanOrEqual => e => e.Time >= value,
        TmfFilterOperator.LessThan => e => e.Time < value,
        _ => e => e.Time <= value,
    };
}
