package ocelot.lpm;

class LinearIpv6RoutesTest extends Ipv6RouteTableContract {
    @Override
    Ipv6Routes newTable(int maxNextHops) {
        return new LinearIpv6Routes(maxNextHops);
    }
}
