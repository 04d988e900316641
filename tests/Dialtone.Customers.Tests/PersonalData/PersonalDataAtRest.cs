using System.Text;

namespace Dialtone.Customers.Tests.PersonalData;

/// <summary>
/// Personal data never lands in clear: after sign-ups, logins, profile changes by the customer and by care, searches,
/// an idempotent create, hub events and a dead letter, no file of the data folder (database, WAL, keys) and no log line
/// holds any of the emails, phone numbers, given or family names or the street address.
/// </summary>
public sealed class PersonalDataAtRest
{
    [Fact]
    public async Task NoFileOfTheDataFolderAndNoLogLineHoldsAnEmailPhoneNumberOrFamilyName()
    {
        // Logs at the levels production runs with (appsettings.json), not the tests' quieter default.
        var app = new DialtoneApp(TestDatabase.Sqlite, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Information" });
        await using var listener = await CallbackListener.StartAsync();
        // The street and post code every test sign-up uses (Subscribers.SignUpBody), besides each person's own data below.
        var secrets = new List<string> { "Harbour View", "H91 X2P4" };
        try
        {
            // Every change to a party goes to a listener that never answers well: the events end in the dead letters.
            listener.AlwaysFail = true;
            await app.Admin().PostJsonAsync($"{Subscribers.Party}/hub", new JsonObject { ["callback"] = listener.Url });

            var people = new List<Subscriber>();
            foreach (var (given, family) in new[] { ("Ysolde", "Quennevillard"), ("Thaddeus", "Oyelaran-Brisbois"), ("Wilhelmina", "Zbyszewska") })
            {
                var person = await Subscribers.SignUpAndSignInAsync(app, given, family);
                people.Add(person);
                secrets.AddRange([person.Email, person.Phone, family, given]);
            }

            var agentEmail = $"agent.{Guid.NewGuid():N}@dialtone.example";
            await OAuthFlows.CreateStaffAsync(app, agentEmail, "agent");
            secrets.Add(agentEmail);
            var agent = app.Bearer((await OAuthFlows.SignInAsync(app, agentEmail, OAuthFlows.Password, "openid care"))["access_token"]!.GetValue<string>());

            // The customer changes their own contact data; care changes a family name.
            var ysolde = people[0];
            const string NewEmail = "ysolde.elsewhere.q@example.org";
            const string NewPhone = "+353877654321";
            secrets.AddRange([NewEmail, NewPhone, "Vandersloot-Pemberton"]);
            using (var changed = await app.Bearer(ysolde.Token).PatchAsync($"{Subscribers.Party}/individual/{ysolde.PartyId}", TmfHttp.Json(new JsonObject
                   {
                       ["contactMedium"] = new JsonArray(
                           new JsonObject { ["mediumType"] = "email", ["characteristic"] = new JsonObject { ["emailAddress"] = NewEmail } },
                           new JsonObject { ["mediumType"] = "mobile", ["characteristic"] = new JsonObject { ["phoneNumber"] = NewPhone } }),
                   }, "application/merge-patch+json")))
            {
                Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
            }

            using (var renamed = await agent.PatchAsync($"{Subscribers.Party}/individual/{people[1].PartyId}", TmfHttp.Json("""{"familyName":"Vandersloot-Pemberton"}""", "application/merge-patch+json")))
            {
                Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            }

            // Care finds them by the new values (so the index was rebuilt from them), and a retried create is replayed from its record.
            Assert.Single((await agent.GetJsonArrayAsync($"{Subscribers.Party}/individual?contactMedium.characteristic.emailAddress={NewEmail}")));
            Assert.Single((await agent.GetJsonArrayAsync($"{Subscribers.Party}/individual?familyName=vandersloot-pemberton")));
            secrets.Add("Featherstonehaugh");
            for (var i = 0; i < 2; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"{Subscribers.Party}/individual")
                {
                    Content = TmfHttp.Json("""{"givenName":"Ottoline","familyName":"Featherstonehaugh"}"""),
                };
                request.Headers.Add("Idempotency-Key", "walk-in-1");
                using var created = await agent.SendAsync(request);
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }

            foreach (var person in people)
            {
                await Subscribers.BillingAccountOfAsync(agent, person.PartyId);
            }

            await WaitForDeadLettersAsync(app, expected: 1);

            AssertNoFileHolds(app.DataDirectory, secrets);
            var logs = string.Join("\n", app.Logs.Lines);
            Assert.Contains("signed up as customer", logs, StringComparison.Ordinal);
            foreach (var secret in secrets)
            {
                Assert.False(logs.Contains(secret, StringComparison.OrdinalIgnoreCase), $"A log line holds '{secret}'.");
            }
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    private static async Task WaitForDeadLettersAsync(DialtoneApp app, int expected)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            using var response = await app.Admin().GetAsync("/admin/deadLetters");
            if ((await response.ReadJsonAsync()).AsArray().Count >= expected)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The failing listener's events never reached the dead letters.");
    }

    private static void AssertNoFileHolds(string directory, IReadOnlyList<string> secrets)
    {
        var files = Directory.GetFiles(directory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith(".db-wal", StringComparison.Ordinal) || f.EndsWith(".db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            byte[] content;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                content = copy.ToArray();
            }

            foreach (var secret in secrets)
            {
                foreach (var form in new[] { secret, secret.ToLowerInvariant(), secret.ToUpperInvariant() }.Distinct())
                {
                    Assert.False(content.AsSpan().IndexOf(Encoding.UTF8.GetBytes(form)) >= 0, $"{Path.GetFileName(file)} holds '{form}' (UTF-8).");
                    Assert.False(content.AsSpan().IndexOf(Encoding.Unicode.GetBytes(form)) >= 0, $"{Path.GetFileName(file)} holds '{form}' (UTF-16).");
                }
            }
        }
    }
}
