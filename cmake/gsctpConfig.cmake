# gsctpConfig.cmake - find_package(gsctp) support for an installed gsctp.
# Targets: gsctp::gsctp (static library), gsctp::gsctp_shared.
include(CMakeFindDependencyMacro)
find_dependency(Threads)
find_dependency(PkgConfig)
pkg_check_modules(USRSCTP REQUIRED IMPORTED_TARGET usrsctp)
pkg_check_modules(PCAP REQUIRED IMPORTED_TARGET libpcap)
include("${CMAKE_CURRENT_LIST_DIR}/gsctpTargets.cmake")
