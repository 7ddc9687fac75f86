const tl = gsap.timeline({ paused: true });
window.__timelines["main-comp"] = tl;
