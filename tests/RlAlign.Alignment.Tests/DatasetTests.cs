using RlAlign.Alignment.Data;

namespace RlAlign.Alignment.Tests;

public sealed class DatasetTests
{
    [Test]
    public void StandardPreferenceRowsParse()
    {
        using var folder = new TempFolder();
        string path = Write(folder, """{"prompt": "The sky is", "chosen": " blue.", "rejected": " green.", "id": 7}""");
        Assert.That(PreferenceDataset.Open(path).Single(), Is.EqualTo(new PreferenceExample("The sky is", " blue.", " green.")));
    }

    [TestCase("The sky is blue.", "The sky is green.", "The sky is", " blue.", " green.")]
    [TestCase("Yes", "No", "", "Yes", "No")]
    [TestCase("ab", "abc", "a", "b", "bc")]
    public void ImplicitPromptIsTheSharedPrefixAsInTrl(string chosen, string rejected, string prompt, string chosenRest, string rejectedRest)
    {
        using var folder = new TempFolder();
        string path = Write(folder, $$"""{"chosen": "{{chosen}}", "rejected": "{{rejected}}"}""");
        Assert.That(PreferenceDataset.Open(path).Single(), Is.EqualTo(new PreferenceExample(prompt, chosenRest, rejectedRest)));
    }

    [Test]
    public void ConversationalPreferenceRowsAreRenderedWithTheChatTemplate()
    {
        using var folder = new TempFolder();
        string path = Write(folder,
            """{"prompt": [{"role": "user", "content": "Sky?"}], "chosen": [{"role": "assistant", "content": "Blue."}], "rejected": [{"role": "assistant", "content": "Green."}]}""",
            """{"chosen": [{"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Blue."}], "rejected": [{"role": "user", "content": "Sky?"}, {"role": "assistant", "content": "Green."}]}""");
        var expected = new PreferenceExample("<|im_start|>user\nSky?<|im_end|>\n<|im_start|>assistant\n", "Blue.<|im_end|>\n", "Green.<|im_end|>\n");
        Assert.That(PreferenceDataset.Open(path).ToList(), Is.EqualTo(new[] { expected, expected }), "explicit and implicit prompts agree");
    }

    [Test]
    public void SftFormatsParse()
    {
        using var folder = new TempFolder();
        string path = Write(folder,
            """{"prompt": "2+2=", "completion": "4"}""",
            """{"prompt": [{"role": "user", "content": "2+2?"}], "completion": [{"role": "assistant", "content": "4"}]}""",
            """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}""",
            """{"text": "Once upon a time."}""");
        Assert.That(SftDataset.Open(path).ToList(), Is.EqualTo(new[]
        {
            new SftExample("2+2=", "4"),
            new SftExample("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n", "4<|im_end|>\n"),
            new SftExample("", "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n"),
            new SftExample("", "Once upon a time."),
        }));
    }

    // Line 1 is valid in every case; the bad line is line 3 (line 2 is blank and still counted).
    [TestCase("""{"prompt": "a", "chosen": "b", "rejected": }""", "not valid JSON")]
    [TestCase("""{"prompt": "a", "chosen": "b"}""", "missing field 'rejected'")]
    [TestCase("""{"prompt": "a", "chosen": 5, "rejected": "c"}""", "field 'chosen' is a number; expected a string or a list")]
    [TestCase("""{"prompt": "a", "chosen": "", "rejected": "c"}""", "field 'chosen' is empty")]
    [TestCase("""{"prompt": "a", "chosen": [{"role": "assistant", "content": "b"}], "rejected": [{"role": "assistant", "content": "c"}]}""", "field 'prompt' is a string but 'chosen' is a list of messages")]
    [TestCase("""{"prompt": [{"role": "user"}], "chosen": [{"role": "assistant", "content": "b"}], "rejected": [{"role": "assistant", "content": "c"}]}""", "'prompt'[0] has no 'content'")]
    [TestCase("""{"prompt": [{"role": "user", "content": 3}], "chosen": [{"role": "assistant", "content": "b"}], "rejected": [{"role": "assistant", "content": "c"}]}""", "'prompt'[0].content is a number; expected a string")]
    [TestCase("""["a", "b"]""", "expected a JSON object, got an array")]
    public void MalformedPreferenceLinesNameFileAndLine(string badLine, string problem)
    {
        using var folder = new TempFolder();
        string path = Write(folder, """{"prompt": "x", "chosen": "y", "rejected": "z"}""", "", badLine, """{"prompt": "p", "chosen": "q", "rejected": "r"}""");

        var error = Assert.Throws<DatasetFormatException>(() => PreferenceDataset.Open(path).ToList())!;
        Assert.That(error.Message, Does.StartWith($"{path}:3: ").And.Contain(problem));
        Assert.That(error.Line, Is.EqualTo(3));

        var skipping = PreferenceDataset.Open(path, new DatasetOptions { SkipInvalid = true });
        Assert.That(skipping.Select(e => e.Prompt), Is.EqualTo(new[] { "x", "p" }));
        Assert.That((skipping.Report.Rows, skipping.Report.SkippedLines), Is.EqualTo((2, 1)));
        Assert.That(skipping.Report.SkipReasons.Single(), Does.StartWith($"{path}:3: ").And.Contain(problem));
    }

    [TestCase("""{"prompt": "a"}""", "missing field 'completion'")]
    [TestCase("""{"question": "a"}""", "expected the fields 'prompt' and 'completion', or 'messages', or 'text'")]
    [TestCase("""{"messages": []}""", "field 'messages' is empty")]
    [TestCase("""{"text": ["a"]}""", "'a'[0] is a string")]
    [TestCase("""{"prompt": [{"role": "system", "content": "s"}], "completion": [{"role": "assistant", "content": "b"}]}""", "field 'prompt': The prompt's last message has role 'system'")]
    public void MalformedSftLinesNameFileAndLine(string badLine, string problem)
    {
        using var folder = new TempFolder();
        string path = Write(folder, badLine);
        var error = Assert.Throws<DatasetFormatException>(() => SftDataset.Open(path).ToList())!;
        Assert.That(error.Message, Does.StartWith($"{path}:1: ").And.Contain(problem.Replace("'a'[0] is a string", "'text'[0] is a string")));
    }

    [Test]
    public void RowsAreReadLazily()
    {
        using var folder = new TempFolder();
        string path = Write(folder, """{"prompt": "a", "chosen": "b", "rejected": "c"}""", "this line is broken");
        // The first row arrives before the broken second line is read.
        using var rows = PreferenceDataset.Open(path).GetEnumerator();
        Assert.That(rows.MoveNext(), Is.True);
        Assert.That(rows.Current.Prompt, Is.EqualTo("a"));
        Assert.Throws<DatasetFormatException>(() => rows.MoveNext());
    }

    [Test]
    public void LargeFileStreamsWithoutHoldingItsRows()
    {
        using var folder = new TempFolder();
        string path = folder.File("large.jsonl");
        const int rows = 40_000;
        string padding = new('x', 200);
        using (var writer = new StreamWriter(path))
        {
            for (int i = 0; i < rows; i++)
                writer.WriteLine($$"""{"prompt": "question {{i}} {{padding}}", "chosen": " good {{i}}", "rejected": " bad {{i}}"}""");
        }
        long fileBytes = new FileInfo(path).Length;

        long baseline = GC.GetTotalMemory(forceFullCollection: true), peak = 0;
        int count = 0;
        long checksum = 0;
        foreach (PreferenceExample example in PreferenceDataset.Open(path))
        {
            checksum += example.Chosen.Length;
            if (++count % 10_000 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
        }

        TestContext.Out.WriteLine($"{fileBytes / 1e6:F1} MB file, {count} rows, retained managed memory at most {peak / 1e3:F0} kB");
        Assert.That(count, Is.EqualTo(rows));
        Assert.That(checksum, Is.GreaterThan(0));
        Assert.That(fileBytes, Is.GreaterThan(8_000_000));
        Assert.That(peak, Is.LessThan(1_000_000), "memory does not grow with the rows read");
    }

    [Test]
    public void MissingFileIsNamed()
    {
        var error = Assert.Throws<FileNotFoundException>(() => PreferenceDataset.Open("/nonexistent/prefs.jsonl"))!;
        Assert.That(error.Message, Does.Contain("/nonexistent/prefs.jsonl"));
    }

    private static string Write(TempFolder folder, params string[] lines)
    {
        string path = folder.File("data.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }
}
