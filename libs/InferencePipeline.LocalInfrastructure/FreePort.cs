using System.Net;
using System.Net.Sockets;

namespace InferencePipeline.LocalInfrastructure;

/// <summary>
/// A TCP port nobody listens on right now. Fixed ports collide between parallel runs (two AppHosts, test
/// assemblies side by side), so every private server gets its own. The OS picks it; there is a short window
/// before the caller binds it, which a local run can live with.
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
