using RlAlign.Core;
using RlAlign.Core.Rendering;
using Spectre.Console;

namespace RlAlign.Cli.Commands;

/// <summary>Saves recorded frames: an animated GIF when the path ends in <c>.gif</c>, otherwise one PNG per frame in that folder.</summary>
internal static class EpisodeFrames
{
    public static void Write(string path, IReadOnlyList<RenderFrame> frames, string what)
    {
        if (frames.Count == 0) throw new InvalidOperationException($"{what} recorded no frames, so there is nothing to write to '{path}'.");
        if (path.EndsWith(".gif", StringComparison.OrdinalIgnoreCase))
        {
            GifWriter.Save(path, frames);
            AnsiConsole.MarkupLine($"{what} ({frames.Count} frames) written to [bold]{Markup.Escape(path)}[/]");
            return;
        }

        if (File.Exists(path)) throw new IOException($"'{path}' is a file; give a folder for PNG frames, or a path ending in .gif.");
        // Numbered so that the files sort in step order: frame 0 is the reset.
        int digits = Math.Max(4, (frames.Count - 1).ToString().Length);
        for (int i = 0; i < frames.Count; i++)
            PngWriter.Save(Path.Combine(path, $"step_{i.ToString().PadLeft(digits, '0')}.png"), frames[i]);
        AnsiConsole.MarkupLine($"{what}: {frames.Count} PNG frames written to [bold]{Markup.Escape(path)}[/]");
    }
}
