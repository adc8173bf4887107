// UDP flood for the workload-interface benchmark: sends 64-byte frames (18-byte payload) to
// DST:PORT with sendmmsg in batches of 64 for SECONDS, then prints "sent N cpu_s C" (the
// process's user+system CPU, which includes the kernel's transmit path).
//   udp_flood DST PORT SECONDS
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: udp_flood DST PORT SECONDS\n"); return 2; }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[2]))};
    if (fd < 0 || inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) { perror("socket/address"); return 1; }
    if (connect(fd, (struct sockaddr *) &dst, sizeof dst) < 0) { perror("connect"); return 1; }
    char payload[18] = "ocelot-bench";
    struct iovec iov = {.iov_base = payload, .iov_len = sizeof payload};
    struct mmsghdr msgs[64];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < 64; i++) { msgs[i].msg_hdr.msg_iov = &iov; msgs[i].msg_hdr.msg_iovlen = 1; }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    double seconds = atof(argv[3]);
    long long sent = 0;
    for (;;) {
        int n = sendmmsg(fd, msgs, 64, 0);
        if (n > 0) sent += n;
        if ((sent & 0xFFF) < 64) {
            clock_gettime(CLOCK_MONOTONIC, &now);
            if ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 >= seconds) break;
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("sent %lld cpu_s %.3f\n", sent, cpu);
    return 0;
}
