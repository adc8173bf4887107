package ocelot.lpm;

class Ipv6RouteTableTest extends Ipv6RouteTableContract {
    @Override
    Ipv6Routes newTable(int maxNextHops) {
        return new Ipv6RouteTable(maxNextHops);
    }
}
