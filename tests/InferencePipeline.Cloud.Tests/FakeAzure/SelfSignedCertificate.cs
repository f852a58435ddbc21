using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace InferencePipeline.Cloud.Tests.FakeAzure;

/// <summary>A server certificate made for one test run, for the Azure host names the fake answers as.</summary>
public static class SelfSignedCertificate
{
    public static X509Certificate2 Create(IEnumerable<string> dnsNames)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=fake-azure.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        // Exported and re-imported so the private key is usable by Kestrel's TLS on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
