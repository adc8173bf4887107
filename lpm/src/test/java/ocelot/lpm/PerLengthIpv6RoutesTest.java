package ocelot.lpm;

class PerLengthIpv6RoutesTest extends Ipv6RouteTableContract {
    @Override
    Ipv6Routes newTable(int maxNextHops) {
        return new PerLengthIpv6Routes(maxNextHops);
    }
}
