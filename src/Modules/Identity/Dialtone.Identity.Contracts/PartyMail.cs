namespace Dialtone.Identity.Contracts;

/// <summary>
/// A service message for a party (sent through the durable outbox): identity queues it in its mail outbox for each
/// confirmed login of the party, so that the sender never learns an email address. Queued once per
/// <see cref="MessageId"/> and login, however often it is delivered. The text must hold no more personal data than
/// the message needs (no name, MSISDN or IMSI): it travels through the outbox unencrypted.
/// </summary>
/// <param name="MessageId">Unique per message; the same on every redelivery.</param>
/// <param name="PartyId">Whom it is for.</param>
/// <param name="Subject">The mail's subject.</param>
/// <param name="Body">The mail's text.</param>
public sealed record MailParty(string MessageId, string PartyId, string Subject, string Body);
