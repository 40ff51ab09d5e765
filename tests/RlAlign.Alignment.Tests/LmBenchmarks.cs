using System.Diagnostics;
using RlAlign.Policies.Language;
using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Alignment.Tests;

/// <summary>
/// The two measurements of shared/specs/LM_BENCH.md, run on demand:
/// <c>dotnet test -c Release tests/RlAlign.Alignment.Tests --filter "Category=Benchmark"</c> (add <c>&amp;Name~Tiny</c> etc. to pick).
/// </summary>
[Explicit("benchmark: run on demand")]
[Category("Benchmark")]
public sealed class LmBenchmarks
{
    private static readonly Gpt2Config Tiny = new() { VocabSize = 50257, NLayer = 2, NHead = 4, NEmbd = 128, NPositions = 256 };
    private static readonly Gpt2Config Small = new() { VocabSize = 50257, NLayer = 6, NHead = 8, NEmbd = 384, NPositions = 256 };

    private const int Pairs = 8, PromptLength = 32, CompletionLength = 64;

    // "full": the spec's work, logits at all 96 positions; "completion": the trainers' path, logits only at the 64
    // positions that score completion tokens (SequenceLogProbs.Sum over the model).
    [TestCase("tiny", 1, "full")]
    [TestCase("tiny", 1, "completion")]
    [TestCase("tiny", 2, "full")]
    [TestCase("tiny", 2, "completion")]
    [TestCase("small", 1, "full")]
    [TestCase("small", 1, "completion")]
    [TestCase("small", 2, "full")]
    [TestCase("small", 2, "completion")]
    // "bf16": the trainers' path with the matrix products in bfloat16 (Gpt2LMHeadModel.Bf16Matmuls), as TRL's bf16=True.
    [TestCase("tiny", 1, "bf16")]
    [TestCase("small", 1, "bf16")]
    [TestCase("small", 2, "bf16")]
    public void DpoStep(string size, int threads, string head)
    {
        Gpt2Config config = ConfigOf(size);
        int previousThreads = torch.get_num_threads();
        torch.set_num_threads(threads);
        try
        {
            using var policy = Gpt2LMHeadModel.Create(config, new Generator(1));
            using var reference = Gpt2LMHeadModel.Create(config, new Generator(1));
            foreach (var parameter in reference.parameters()) parameter.requires_grad = false;
            policy.Bf16Matmuls = reference.Bf16Matmuls = head == "bf16";
            using var optimizer = optim.AdamW(policy.parameters(), lr: 1e-5, weight_decay: 0);
            var generator = new Generator(2);
            // Chosen rows then rejected rows, sharing each pair's prompt; the loss mask covers the 64 completion tokens.
            using Tensor prompts = randint(0, config.VocabSize, [Pairs, PromptLength], ScalarType.Int64, generator: generator);
            using Tensor completions = randint(0, config.VocabSize, [2 * Pairs, CompletionLength], ScalarType.Int64, generator: generator);
            using Tensor ids = cat([prompts.repeat(2, 1), completions], 1);
            using Tensor lossMask = cat([zeros(2 * Pairs, PromptLength, ScalarType.Int64), ones(2 * Pairs, CompletionLength, ScalarType.Int64)], 1);

            void Step()
            {
                using var scope = NewDisposeScope();
                Tensor LogProbs(Gpt2LMHeadModel model) => head == "full"
                    ? SequenceLogProbs.Sum(model.Forward(ids), ids, lossMask)
                    : SequenceLogProbs.Sum(model, ids, null, lossMask);
                Tensor policyLogps = LogProbs(policy);
                Tensor referenceLogps;
                using (no_grad()) referenceLogps = LogProbs(reference);
                Tensor ratios = policyLogps - referenceLogps;
                Tensor h = ratios.narrow(0, 0, Pairs) - ratios.narrow(0, Pairs, Pairs);
                Tensor loss = -nn.functional.logsigmoid(0.1 * h).mean();
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
            }

            var (wall, cpu) = MedianSeconds(Step, warmUp: 3, measured: 20);
            int tokens = 2 * Pairs * (PromptLength + CompletionLength);
            Report($"DPO step, {size}, {threads} thread(s), {head} logits: {wall:F3} s median of 20, {tokens / wall:F0} tokens/s (CPU {cpu:F3} s per step; load average {LoadAverage()}; {Policies.TorchRuntime.DescribeMklKernels()})");
        }
        finally
        {
            torch.set_num_threads(previousThreads);
        }
    }

    [TestCase("tiny", 1)]
    [TestCase("tiny", 2)]
    [TestCase("small", 1)]
    [TestCase("small", 2)]
    public void Generation(string size, int threads)
    {
        Gpt2Config config = ConfigOf(size);
        int previousThreads = torch.get_num_threads();
        torch.set_num_threads(threads);
        try
        {
            using var model = Gpt2LMHeadModel.Create(config, new Generator(1));
            using var generator = new Generator(3);
            using Tensor prompts = randint(0, config.VocabSize, [8, PromptLength], ScalarType.Int64, generator: generator);
            var options = new GenerationOptions { MaxNewTokens = 64, DoSample = true, Temperature = 1.0, IgnoreEos = true };
            foreach (bool useCache in new[] { true, false })
            {
                var (wall, cpu) = MedianSeconds(() => model.Generate(prompts, null, options with { UseCache = useCache }, generator).Dispose(), warmUp: 1, measured: 5);
                Report($"generate 8 x 64 tokens, {size}, {threads} thread(s), {(useCache ? "KV cache" : "no cache")}: {wall:F3} s median of 5, {8 * 64 / wall:F0} tokens/s (CPU {cpu:F3} s per call; load average {LoadAverage()}; {Policies.TorchRuntime.DescribeMklKernels()})");
            }
        }
        finally
        {
            torch.set_num_threads(previousThreads);
        }
    }

    private static Gpt2Config ConfigOf(string size) => size == "tiny" ? Tiny : Small;

    /// <summary>Median wall-clock seconds per call, and the median process CPU seconds, which a busy shared machine distorts less.</summary>
    private static (double Wall, double Cpu) MedianSeconds(Action action, int warmUp, int measured)
    {
        for (int i = 0; i < warmUp; i++) action();
        var wall = new double[measured];
        var cpu = new double[measured];
        using var process = Process.GetCurrentProcess();
        for (int i = 0; i < measured; i++)
        {
            process.Refresh();
            TimeSpan cpuStart = process.TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            action();
            wall[i] = stopwatch.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        }
        return (Median(wall), Median(cpu));
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        int n = values.Length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";

    private static void Report(string line)
    {
        TestContext.Out.WriteLine(line);
        TestContext.Progress.WriteLine(line);
    }
}
