# -*- encoding: utf-8 -*-

Gem::Specification.new do |s|
  s.name = %q{net-telnet}
  s.version = Gem::Version.new("0.1.1")

  s.required_rubygems_version = Gem::Requirement.new(">= 0") if s.respond_to? :required_rubygems_version=
  s.authors = ["SHIBATA Hiroshi"]
  s.date = %q{2014-12-07}
  s.description = %q{Provides telnet client functionality.}
  s.email = ["hsbt@ruby-lang.org"]
  s.files = [".gitignore", ".travis.yml", "Gemfile", "LICENSE.txt", "README.md", "Rakefile", "lib/net/telnet.rb", "lib/net/telnet/version.rb", "net-telnet.gemspec"]
  s.homepage = %q{https://github.com/ruby/net-telnet}
  s.licenses = ['Ruby', 'BSD-2-Clause']
  s.require_paths = ["lib"]
  s.required_ruby_version = Gem::Requirement.new(">= 2.0.0")
  s.rubygems_version = %q{1.8.23}
  s.summary = %q{Provides telnet client functionality.}

  if s.respond_to? :specification_version then
    s.specification_version = 4

    if Gem::Version.new(Gem::VERSION) >= Gem::Version.new('1.2.0') then
      s.add_development_dependency(%q<bundler>, ["~> 1.6"])
      s.add_development_dependency(%q<rake>, [">= 0"])
    else
      s.add_dependency(%q<bundler>, ["~> 1.6"])
    end
  else
    s.add_dependency(%q<bundler>, ["~> 1.6"])
  end
end
