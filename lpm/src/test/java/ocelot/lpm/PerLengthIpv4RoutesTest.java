package ocelot.lpm;

class PerLengthIpv4RoutesTest extends RouteTableContract {
    @Override
    Ipv4Routes newTable(int maxNextHops) {
        return new PerLengthIpv4Routes(maxNextHops);
    }
}
