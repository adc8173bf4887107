# A recording stand-in for Vagrant: `ruby vagrant_stub.rb VAGRANTFILE` loads the Vagrantfile
# with this module as `Vagrant`, then prints one line per VM, network and provisioner it
# defined, in the format of ocelot.lab.VagrantPlan (the namespace lab's plan), so a test can
# compare the two. Only the calls the Vagrantfile makes exist here: anything else fails loudly.
class Recorder
  attr_reader :lines

  def initialize
    @lines = []
  end
end

class ProviderConfig
  attr_accessor :memory, :cpus
end

class VmConfig
  def initialize(recorder, name)
    @recorder = recorder
    @name = name
  end

  def box=(box)
    @recorder.lines << "box #{@name || '*'} #{box}"
  end

  def hostname=(hostname)
    @recorder.lines << "hostname #{@name} #{hostname}"
  end

  def synced_folder(from, to)
    @recorder.lines << "synced #{@name || '*'} #{from} #{to}"
  end

  def provider(kind)
    p = ProviderConfig.new
    yield p
    @recorder.lines << "provider #{kind} memory=#{p.memory} cpus=#{p.cpus}"
  end

  def network(kind, ip:, netmask:, virtualbox__intnet:, libvirt__network_name:, libvirt__dhcp_enabled:, libvirt__forward_mode:)
    raise "#{@name}: network #{kind}" unless kind == :private_network
    raise "#{@name}: networks differ per provider" unless virtualbox__intnet == libvirt__network_name
    raise "#{@name}: libvirt network must be isolated" unless libvirt__dhcp_enabled == false && libvirt__forward_mode == 'none'
    @recorder.lines << "net #{@name} #{virtualbox__intnet} #{ip} #{netmask}"
  end

  def provision(label, type:, path:, args: [])
    raise "#{@name}: provisioner #{type}" unless type == 'shell'
    script = File.join(File.dirname(VAGRANTFILE), path)
    raise "#{@name}: no script #{script}" unless File.executable?(script)
    @recorder.lines << (["provision #{@name} #{label} #{path}"] + args).join(' ')
  end

  def define(name)
    raise 'define inside define' if @name
    @recorder.lines << "vm #{name}"
    yield Struct.new(:vm).new(VmConfig.new(@recorder, name))
  end
end

module Vagrant
  RECORDER = Recorder.new

  def self.configure(version)
    raise "Vagrant config version #{version}" unless version == '2'
    yield Struct.new(:vm).new(VmConfig.new(RECORDER, nil))
  end
end

VAGRANTFILE = File.expand_path(ARGV.fetch(0))
eval(File.read(VAGRANTFILE), binding, VAGRANTFILE)
puts Vagrant::RECORDER.lines
