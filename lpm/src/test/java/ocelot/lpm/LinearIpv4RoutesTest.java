package ocelot.lpm;

class LinearIpv4RoutesTest extends RouteTableContract {
    @Override
    Ipv4Routes newTable(int maxNextHops) {
        return new LinearIpv4Routes(maxNextHops);
    }
}
