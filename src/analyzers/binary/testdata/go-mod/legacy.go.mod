module "example.com/legacy"

go 1.12

require "github.com/sirupsen/logrus" v1.4.2
require github.com/stretchr/testify v1.3.0 // indirect
require (
	"gopkg.in/yaml.v2" v2.2.2
	"github.com/pkg/errors" v0.8.1
)

replace github.com/sirupsen/logrus v1.4.2 => github.com/sirupsen/logrus v1.4.1
replace github.com/pkg/errors v0.9.0 => github.com/pkg/errors v0.9.1
