package io.ams.bench;
