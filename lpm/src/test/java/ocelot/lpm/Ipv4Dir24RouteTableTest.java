package ocelot.lpm;

class Ipv4Dir24RouteTableTest extends RouteTableContract {
    @Override
    Ipv4Routes newTable(int maxNextHops) {
        return new Ipv4Dir24RouteTable(maxNextHops);
    }
}
