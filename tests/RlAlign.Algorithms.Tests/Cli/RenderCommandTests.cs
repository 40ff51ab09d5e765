using System.Text;
using RlAlign.Cli;

namespace RlAlign.Algorithms.Tests.Cli;

/// <summary><c>rlalign render</c> and <c>rlalign eval --frames</c>: recordings of random and trained agents.</summary>
[NonParallelizable]
public class RenderCommandTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("rlalign-render-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int ExitCode, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        int code = await RlAlignCommand.RunAsync(args, output);
        return (code, output.ToString());
    }

    [Test]
    public async Task RendersRandomActionsAsAGifOrOnePngPerStep()
    {
        string gif = Path.Combine(_folder, "doorkey.gif"), frames = Path.Combine(_folder, "frames");

        (int gifCode, string gifOutput) = await Run("render", "MiniGrid-DoorKey-5x5-v0", "--seed", "2", "--max-steps", "7", "-o", gif);
        (int pngCode, string pngOutput) = await Run("render", "MiniGrid-Empty-5x5-v0", "--max-steps", "4", "-o", frames, "--option", "agent_view_size=5");

        Assert.That(gifCode, Is.Zero, gifOutput);
        Assert.That(Encoding.ASCII.GetString(File.ReadAllBytes(gif), 0, 6), Is.EqualTo("GIF89a"));
        Assert.That(gifOutput, Does.Contain("8 frames"), "the reset and 7 steps");
        Assert.That(pngCode, Is.Zero, pngOutput);
        Assert.That(Directory.GetFiles(frames).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "step_0000.png", "step_0001.png", "step_0002.png", "step_0003.png", "step_0004.png" }));
    }

    [Test]
    public async Task RendersATrainedRunAndEvalWritesItsFrames()
    {
        string runs = Path.Combine(_folder, "runs");
        (int trainCode, string trainOutput) = await Run("train", "ppo-minigrid-doorkey-5x5", "--quiet", "--runs-dir", runs, "--total-steps", "256",
            "--set", "num_envs=2", "--set", "num_steps=128", "--set", "num_minibatches=2", "--set", "final_eval_episodes=1");
        Assert.That(trainCode, Is.Zero, trainOutput);
        string run = Directory.GetDirectories(runs).Single();

        string gif = Path.Combine(_folder, "trained.gif"), frames = Path.Combine(_folder, "eval-frames");
        (int renderCode, string renderOutput) = await Run("render", run, "--max-steps", "5", "-o", gif);
        (int evalCode, string evalOutput) = await Run("eval", run, "-n", "1", "--frames", frames);

        Assert.That(renderCode, Is.Zero, renderOutput);
        Assert.That(renderOutput, Does.Contain("6 frames"));
        Assert.That(evalCode, Is.Zero, evalOutput);
        Assert.That(Directory.GetFiles(frames, "step_*.png"), Is.Not.Empty);
    }

    [Test]
    public async Task BadArgumentsAreClearErrors()
    {
        (int unknownCode, string unknown) = await Run("render", "MiniGrid-Nope-v0");
        (int malformedCode, string malformed) = await Run("render", "CartPole-v1", "--option", "gravity");
        (int unusedCode, string unused) = await Run("render", "CartPole-v1", "--option", "gravity=9.8", "-o", Path.Combine(_folder, "x.gif"));

        Assert.That(unknownCode, Is.Not.Zero);
        Assert.That(unknown, Does.Contain("Unknown env id 'MiniGrid-Nope-v0'"));
        Assert.That(malformedCode, Is.Not.Zero);
        Assert.That(malformed, Does.Contain("must be key=value"));
        Assert.That(unusedCode, Is.Not.Zero);
        Assert.That(unused, Does.Contain("does not take option(s) 'gravity'"));
    }
}
