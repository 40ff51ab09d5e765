using static TorchSharp.torch;

namespace RlAlign.Algorithms;

/// <summary>Resolves the <c>device</c> setting.</summary>
public static class TorchDevices
{
    /// <summary><c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, or <c>auto</c> (CUDA when <c>torch.cuda.is_available()</c>, else CPU).</summary>
    public static Device Resolve(string setting)
    {
        switch (setting)
        {
            case "cpu":
                return CPU;
            case "auto":
                return cuda.is_available() ? CUDA : CPU;
            case not null when setting == "cuda" || setting.StartsWith("cuda:", StringComparison.Ordinal):
                if (!cuda.is_available())
                    throw new InvalidOperationException($"device '{setting}' was requested, but CUDA is not available (this build uses TorchSharp-cpu, or no GPU/driver is present). Use device: cpu or auto.");
                return new Device(setting);
            default:
                throw new ArgumentException($"Unknown device '{setting}'; use cpu, cuda, cuda:N or auto.", nameof(setting));
        }
    }
}
