// Package multiorg holds the end-to-end tests of agritrace as a multi-party system: a province
// joining the running network, and every org on its own host.
package multiorg
