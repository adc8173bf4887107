package ocelot.lpm;

class Ipv4RouteTableTest extends RouteTableContract {
    @Override
    Ipv4Routes newTable(int maxNextHops) {
        return new Ipv4RouteTable(maxNextHops);
    }
}
