using System.Net;
using System.Net.Sockets;

namespace InferencePipeline.Testing;

/// <summary>
/// A TCP port nobody listens on right now, so parallel test runs never collide on fixed ports. The OS picks
/// it; there is a short window before the caller binds it, which is fine for tests.
/// </summary>
public static class FreePort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
