package domain

// Org is a Fabric organisation as the application sees it: a provincial platform or the regulator.
// Each org's gateway holds this for itself only.
type Org struct {
	Key   string `json:"key"`   // short name, e.g. "hlj"
	MSPID string `json:"mspId"` // e.g. "HeilongjiangMSP"
	Label string `json:"label"` // e.g. "黑龙江省粮食追溯平台"
	Role  string `json:"role"`  // RolePlatform or RoleRegulator
}

// Org roles.
const (
	RolePlatform  = "platform"
	RoleRegulator = "regulator"
)
