using System.Text;
using NUnit.Framework;

namespace RlAlign.Core.Tests;

public class Crc32Tests
{
    // The standard check value of each variant: the CRC of the ASCII digits "123456789".
    [Test]
    public void MatchesTheStandardCheckValues()
    {
        byte[] digits = Encoding.ASCII.GetBytes("123456789");
        Assert.That(Crc32.Ieee.Compute(digits), Is.EqualTo(0xCBF43926u));
        Assert.That(Crc32.Castagnoli.Compute(digits), Is.EqualTo(0xE3069283u));
        Assert.That(Crc32.Ieee.Compute([]), Is.EqualTo(0u));
    }
}
