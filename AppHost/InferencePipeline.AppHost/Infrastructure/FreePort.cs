using System.Net;
using System.Net.Sockets;

namespace InferencePipeline.AppHost.Infrastructure;

/// <summary>A port nobody listens on now. Fixed ports collide between parallel AppHost runs (tests), so allocate per run.</summary>
public static class FreePort
{
    public static int Get()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
